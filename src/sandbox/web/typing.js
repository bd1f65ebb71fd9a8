// "Chef Bot is typing…": Discord shows it for ~10 s after TYPING_START or until the user's message.
import { el } from "./people.js";

const TYPING_MS = 10_000;

/** Tracks who types where and shows it for the current channel. */
export function createTyping(container, nameOf) {
  const typists = new Map(); // channel id → Map(user id → timer)
  let current = null;

  const render = () => {
    const ids = [...(typists.get(current)?.keys() ?? [])];
    if (ids.length === 0) {
      container.replaceChildren();
      container.hidden = true;
      return;
    }
    const names = ids.map(nameOf);
    const text =
      names.length === 1
        ? [el("strong", "", names[0]), " is typing…"]
        : names.length <= 3
          ? [el("strong", "", names.slice(0, -1).join(", ")), " and ", el("strong", "", names[names.length - 1]), " are typing…"]
          : ["Several people are typing…"];
    container.replaceChildren(el("span", "dots"), ...text);
    container.hidden = false;
  };

  return {
    start(channelId, userId) {
      const channel = typists.get(channelId) ?? new Map();
      typists.set(channelId, channel);
      clearTimeout(channel.get(userId));
      channel.set(
        userId,
        setTimeout(() => this.stop(channelId, userId), TYPING_MS),
      );
      if (channelId === current) render();
    },
    stop(channelId, userId) {
      const channel = typists.get(channelId);
      if (!channel?.has(userId)) return;
      clearTimeout(channel.get(userId));
      channel.delete(userId);
      if (channelId === current) render();
    },
    show(channelId) {
      current = channelId;
      render();
    },
  };
}
