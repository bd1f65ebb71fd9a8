// One message as Discord shows it: avatar, name, BOT tag, time, the quoted line of a reply or the
// "used /command" line of an app's answer, rendered content, buttons, "Only you can see this" for
// ephemeral answers; consecutive messages of one author within minutes are grouped.
import { attachmentsElement, threadLinkElement } from "./attachments.js";
import { componentsElement } from "./components.js";
import { appTag, avatar, botTag, colourOf, el, icon } from "./people.js";
import { renderContent, summarize } from "./render.js";

const GROUP_WINDOW_MS = 7 * 60_000;
const EPHEMERAL = 64;
const LOADING = 128;

/** True for an answer only its person sees (the event stream and history mark it; so does flag 64). */
export function isEphemeral(message) {
  return message.ephemeral === true || ((message.flags ?? 0) & EPHEMERAL) !== 0;
}

/** True when the message pings `meId` (typed mention, reply ping, @everyone). */
export function mentionsUser(message, meId) {
  if (message.mention_everyone) return true;
  if ((message.mentions ?? []).some((user) => user.id === meId)) return true;
  return message.content.includes("<@" + meId + ">") || message.content.includes("<@!" + meId + ">");
}

/** A message posted through a channel webhook (not an app's answer to an interaction): Discord tags it APP. */
export function isWebhookPost(message) {
  return typeof message.webhook_id === "string" && !message.interaction_metadata && message.webhook_id !== message.application_id;
}

/** Whether `message` continues `previous` without a header. */
export function continues(previous, message) {
  if (!previous || message.message_reference || message.interaction_metadata || previous.author.id !== message.author.id) return false;
  if (previous.author.username !== message.author.username) return false; // one webhook posts under many names
  if (isEphemeral(message) !== isEphemeral(previous)) return false;
  return Date.parse(message.timestamp) - Date.parse(previous.timestamp) < GROUP_WINDOW_MS;
}

/**
 * Builds the element of a message. `ctx`: render context plus { onReply(message), onProfile(user, node), onClick, onDismiss,
 * isThread(channelId), onCreateThread(message), onOpenThread(threadId) }.
 */
export function messageElement(message, previous, ctx) {
  const grouped = continues(previous, message);
  const item = el("li", "message" + (grouped ? " grouped" : "") + (message.message_reference ? " reply" : ""));
  item.dataset.id = message.id;
  item.dataset.authorId = message.author.id;
  if (mentionsUser(message, ctx.meId)) item.classList.add("mentions-me");
  if (isEphemeral(message)) item.classList.add("ephemeral");

  if (message.message_reference) item.append(replyContext(message.referenced_message, ctx));
  else if (message.interaction_metadata && (message.type === 20 || message.type === 23)) item.append(interactionContext(message.interaction_metadata));
  const gutter = el("div", "gutter");
  if (grouped) gutter.append(el("time", "hover-time", clock(message.timestamp)));
  else gutter.append(profileLink(avatar(message.author), message.author, ctx));
  const body = el("div", "body");
  if (!grouped) {
    const header = el("div", "header");
    const name = profileLink(el("span", "author", message.author.global_name || message.author.username), message.author, ctx);
    header.append(name);
    if (message.author.system) header.append(el("span", "bot-tag", "✓ SYSTEM"));
    else if (isWebhookPost(message)) header.append(appTag());
    else if (message.author.bot) header.append(botTag());
    const time = el("time", "timestamp", when(message.timestamp));
    time.dateTime = message.timestamp;
    time.title = new Date(message.timestamp).toLocaleString();
    header.append(time);
    body.append(header);
  }
  body.append(contentElement(message, ctx));
  const files = attachmentsElement(message);
  if (files) body.append(files);
  const thread = threadLinkElement(message, (id) => ctx.onOpenThread(id));
  if (thread) body.append(thread);
  if ((message.reactions ?? []).length > 0) body.append(reactionsElement(message.reactions));
  const components = componentsElement(message, ctx.onClick);
  if (components) body.append(components);
  if (isEphemeral(message)) body.append(ephemeralNote(message, ctx));
  const actions = el("div", "actions");
  const reply = el("button", "action", "Reply");
  reply.type = "button";
  reply.title = "Reply";
  reply.addEventListener("click", () => ctx.onReply(message));
  if (!isEphemeral(message)) actions.append(reply); // Discord offers no reply to an ephemeral message
  // Threads start from messages of a server's text channel (not in a DM, not in a thread, once per message).
  if (message.guild_id && !message.thread && !isEphemeral(message) && !ctx.isThread(message.channel_id)) {
    const start = el("button", "action", "Create Thread");
    start.type = "button";
    start.title = "Create Thread";
    start.addEventListener("click", () => ctx.onCreateThread(message));
    actions.append(start);
  }
  // One's own message can be deleted (a token DM'd to BoBB, say); Discord asks first.
  if (message.author.id === ctx.meId && !isEphemeral(message)) {
    const remove = el("button", "action danger", "Delete");
    remove.type = "button";
    remove.title = "Delete Message";
    remove.setAttribute("aria-label", "Delete Message");
    remove.addEventListener("click", () => ctx.onDelete(message));
    actions.append(remove);
  }
  item.append(gutter, body, actions);
  return item;
}

/** The content block (also used to refresh a message after MESSAGE_UPDATE). */
export function contentElement(message, ctx) {
  if (((message.flags ?? 0) & LOADING) !== 0) {
    const thinking = el("div", "content thinking");
    thinking.append(el("span", "dots"), (message.author.global_name || message.author.username) + " is thinking…");
    return thinking;
  }
  const content = el("div", "content");
  content.append(renderContent(message.content, ctx));
  if (message.edited_timestamp) content.append(el("span", "edited", " (edited)"));
  if (!message.content && (message.embeds ?? []).length > 0) content.append(el("span", "edited", "[embed]"));
  if (!message.content && (message.attachments ?? []).length > 0) content.hidden = true;
  return content;
}

/** The reaction chips under a message: emoji and count, highlighted where one of them is yours. */
function reactionsElement(reactions) {
  const row = el("div", "reactions");
  for (const r of reactions) {
    const chip = el("span", "reaction" + (r.me ? " mine" : ""), `${r.emoji.name} ${r.count}`);
    chip.title = r.count === 1 ? "1 reaction" : `${r.count} reactions`;
    row.append(chip);
  }
  return row;
}

function profileLink(node, user, ctx) {
  if (!ctx.onProfile || !user.username) return node;
  node.classList.add("clickable");
  node.addEventListener("click", () => ctx.onProfile(user, node));
  return node;
}

/** "you used /bobb create" above an app's answer to a command (type 20; Discord shows none for buttons and forms). */
function interactionContext(meta) {
  const line = el("div", "interaction-context");
  const user = meta.user ?? { id: "0", username: "someone" };
  line.append(avatar(user, "tiny"));
  const name = el("span", "reply-author", user.global_name || user.username);
  name.style.color = colourOf(user.id);
  line.append(name);
  line.append(el("span", "", " used "), el("span", "command-name", (meta.type === 2 && meta.name ? "/" : "") + (meta.name ?? "a command")));
  return line;
}

function ephemeralNote(message, ctx) {
  const note = el("div", "ephemeral-note");
  const dismiss = el("button", "link-button", "Dismiss message");
  dismiss.type = "button";
  dismiss.addEventListener("click", () => ctx.onDismiss(message));
  note.append(icon("eye"), "Only you can see this • ", dismiss);
  return note;
}

function replyContext(referenced, ctx) {
  const line = el("div", "reply-context");
  if (!referenced) {
    line.append(el("span", "reply-missing", "Original message was deleted"));
    return line;
  }
  const author = referenced.author;
  line.append(avatar(author, "tiny"));
  const name = el("span", "reply-author", "@" + (author.global_name || author.username));
  name.style.color = colourOf(author.id);
  line.append(name);
  if (isWebhookPost(referenced)) line.append(appTag());
  else if (author.bot) line.append(botTag());
  line.append(el("span", "reply-text", summarize(referenced.content, ctx)));
  line.dataset.replyTo = referenced.id;
  line.addEventListener("click", () => ctx.onJump(referenced.id));
  return line;
}

function clock(timestamp) {
  return new Date(timestamp).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

function when(timestamp) {
  const date = new Date(timestamp);
  const today = new Date();
  const yesterday = new Date(today.getTime() - 86_400_000);
  if (date.toDateString() === today.toDateString()) return "Today at " + clock(timestamp);
  if (date.toDateString() === yesterday.toDateString()) return "Yesterday at " + clock(timestamp);
  return date.toLocaleDateString() + " " + clock(timestamp);
}
