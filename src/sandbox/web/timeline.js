// The message list of the open channel: loading its history (with the person's ephemeral answers),
// live MESSAGE_CREATE / UPDATE / DELETE, and dismissing an ephemeral message ("Dismiss message").
import { getJson } from "./api.js";
import { messageElement } from "./message-view.js";
import { el } from "./people.js";

export const MAX_RENDERED = 200;

/**
 * `state`: the chat's state (me, current, messages, complete, unread); `ctx`: the render context;
 * `view`: { list (ol), title(channelId) → {icon, name}, remember(user), known(channelId), onUnknown(message), onUnread() }.
 */
export function createTimeline(state, ctx, view) {
  const list = view.list;
  const scroller = list.parentElement;
  const dismissed = new Set();
  const rememberAll = (message) => {
    view.remember(message.author);
    for (const user of message.mentions ?? []) view.remember(user);
    if (message.interaction_metadata?.user) view.remember(message.interaction_metadata.user);
  };
  const element = (message, previous) => messageElement(message, previous, ctx);

  const welcome = () => {
    const title = view.title(state.current);
    const item = el("li", "welcome");
    const channel = title.icon === "#";
    if (title.parent) {
      item.append(el("div", "welcome-icon", title.icon), el("h2", "", title.name), el("p", "", `A thread of #${title.parent}.`));
      return item;
    }
    item.append(
      el("div", "welcome-icon", title.icon),
      el("h2", "", channel ? `Welcome to #${title.name}!` : title.name),
      el("p", "", channel ? `This is the start of the #${title.name} channel.` : `This is the beginning of your direct message history with @${title.name}.`),
    );
    return item;
  };

  const render = () => {
    const all = (state.messages.get(state.current) ?? []).filter((m) => !dismissed.has(m.id));
    const shown = all.slice(-MAX_RENDERED);
    shown.forEach(rememberAll);
    list.replaceChildren(
      ...(state.complete.has(state.current) && shown.length === all.length ? [welcome()] : []),
      ...shown.map((m, i) => element(m, shown[i - 1])),
    );
    scroller.scrollTop = scroller.scrollHeight;
  };

  return {
    render,
    /** Loads the channel's history once; events arriving meanwhile are merged. */
    async load(id) {
      if (state.messages.has(id)) return;
      const pending = [];
      state.messages.set(id, pending);
      const loaded = await getJson(`/control/channels/${id}/messages?limit=${MAX_RENDERED}&user_id=${state.me.id}`);
      if (loaded.length < MAX_RENDERED) state.complete.add(id);
      const ids = new Set(loaded.map((m) => m.id));
      state.messages.set(id, [...loaded, ...pending.filter((m) => !ids.has(m.id))]);
    },

    create(message) {
      rememberAll(message);
      if (!view.known(message.channel_id)) return view.onUnknown(message);
      const messages = state.messages.get(message.channel_id);
      if (messages) {
        if (messages.some((m) => m.id === message.id)) return;
        messages.push(message);
      }
      if (message.channel_id !== state.current) {
        if (message.author.id !== state.me.id) state.unread.add(message.channel_id);
        view.onUnread();
        return;
      }
      if (!messages) return;
      const atBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 80;
      const previous = [...list.querySelectorAll(".message[data-id]")].pop();
      const before = previous ? messages.find((m) => m.id === previous.dataset.id) : undefined;
      const node = element(message, before);
      const answering = message.interaction_metadata?.id;
      if (answering) list.querySelector(`.message.pending[data-interaction-id="${CSS.escape(answering)}"]`)?.remove();
      const pending = list.querySelector(".message.pending"); // "Sending command…" stays last, as in Discord
      if (pending) pending.before(node);
      else list.append(node);
      if (atBottom || message.author.id === state.me.id || message.interaction_metadata?.user?.id === state.me.id) scroller.scrollTop = scroller.scrollHeight;
    },

    /** An edit (or a deferred answer filled in, or new buttons): the whole message is drawn again. */
    update(update) {
      const messages = state.messages.get(update.channel_id);
      const index = messages ? messages.findIndex((m) => m.id === update.id) : -1;
      if (index < 0) return;
      const message = { ...messages[index], ...update };
      messages[index] = message;
      const node = list.querySelector(`.message[data-id="${CSS.escape(update.id)}"]`);
      if (!node) return;
      const atBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 80;
      const fresh = element(message, messages[index - 1]);
      if (node.classList.contains("grouped") && fresh.classList.contains("grouped")) fresh.className = node.className;
      node.replaceWith(fresh);
      // A message that grew (a deferred answer filled in) stays in view when the person was at the bottom.
      if (atBottom) scroller.scrollTop = scroller.scrollHeight;
    },

    /** A reaction added or removed (MESSAGE_REACTION_ADD / _REMOVE): the message's chips are drawn again. */
    react(event, add) {
      const message = state.messages.get(event.channel_id)?.find((m) => m.id === event.message_id);
      if (!message) return;
      const reactions = (message.reactions ?? []).map((r) => ({ ...r }));
      let reaction = reactions.find((r) => r.emoji.name === event.emoji.name);
      if (add && !reaction) reactions.push((reaction = { emoji: event.emoji, count: 0, me: false }));
      if (!reaction) return;
      reaction.count += add ? 1 : -1;
      if (event.user_id === state.me.id) reaction.me = add;
      this.update({ id: message.id, channel_id: message.channel_id, reactions: reactions.filter((r) => r.count > 0) });
    },

    remove(deleted) {
      const messages = state.messages.get(deleted.channel_id);
      if (messages)
        state.messages.set(
          deleted.channel_id,
          messages.filter((m) => m.id !== deleted.id),
        );
      list.querySelector(`.message[data-id="${CSS.escape(deleted.id)}"]`)?.remove();
    },

    dismiss(message) {
      dismissed.add(message.id);
      list.querySelector(`.message[data-id="${CSS.escape(message.id)}"]`)?.remove();
    },
  };
}
