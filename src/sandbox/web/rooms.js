// Outside agents in a channel, as Discord would show them: the authors of the channel's webhook messages
// (Discord lists no webhook as a member, so the sandbox shows them in their own "Agents" group), and the
// "Invite an agent" header button, which opens the app's `room invite` command as if picked from "/".
import { isWebhookPost } from "./message-view.js";

/** An agent counts as here when it posted within this long. */
const ACTIVE_MS = 5 * 60_000;
/** The command the button opens (an app's, found in the guild's commands; no button without it). */
export const INVITE_COMMAND = "bobb room invite";

/** The webhook authors of a channel's messages, one per name: { id, username, avatar, online, lastAt }. */
export function agentsIn(messages, now = Date.now()) {
  const byName = new Map();
  for (const message of messages ?? []) {
    if (!isWebhookPost(message)) continue;
    const at = Date.parse(message.timestamp);
    const name = message.author.username;
    const seen = byName.get(name);
    if (!seen || seen.lastAt < at)
      byName.set(name, { id: `${message.author.id}:${name}`, username: name, avatar: null, lastAt: at, online: now - at < ACTIVE_MS });
  }
  return [...byName.values()];
}

/** Shows the button in server text channels where the command is offered; a click opens the command. */
export function wireInviteButton(button, picker, isGuildChannel) {
  const refresh = async (channelId) => {
    button.hidden = true;
    if (!isGuildChannel(channelId)) return;
    button.hidden = !(await picker.has(INVITE_COMMAND));
  };
  button.addEventListener("click", () => void picker.open(INVITE_COMMAND));
  return { refresh };
}
