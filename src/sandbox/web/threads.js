// Threads in the web chat: the threads of each channel (nested under it in the sidebar while active),
// "Create Thread" from a message, the header's Threads panel (active and archived, plus a new thread
// without a message), and live THREAD_CREATE / UPDATE / DELETE and message counts.
import { getJson, postJson } from "./api.js";
import { openModal } from "./modal.js";
import { el, toast } from "./people.js";

/** `ctx`: { state, select(id), onChange(), onStarterChanged(parentId, message) }. */
export function createThreads(ctx) {
  const { state } = ctx;
  const threads = new Map(); // id → thread channel object

  const upsert = (thread) => {
    threads.set(thread.id, { ...threads.get(thread.id), ...thread });
    ctx.onChange();
  };

  const nameDialog = (title, value, create) =>
    openModal(
      {
        title,
        components: [{ type: 1, components: [{ type: 4, custom_id: "name", label: "Thread Name", style: 1, required: true, max_length: 100, value }] }],
      },
      async ({ name }) => {
        const thread = await create(name.trim());
        upsert(thread);
        await ctx.select(thread.id);
      },
    );

  const api = {
    get: (id) => threads.get(id),
    isThread: (id) => threads.has(id),
    /** Active threads under a channel, newest first (the sidebar). */
    activeIn: (parentId) =>
      [...threads.values()].filter((t) => t.parent_id === parentId && !t.thread_metadata?.archived).sort((a, b) => (a.id < b.id ? 1 : -1)),

    async load() {
      threads.clear();
      const lists = await Promise.all(state.channels.map((c) => getJson(`/control/channels/${c.id}/threads?user_id=${state.me.id}`)));
      for (const thread of lists.flat()) threads.set(thread.id, thread);
      ctx.onChange();
    },

    /** "Create Thread" on a message: Discord proposes the message's text as the name. */
    fromMessage(message) {
      const proposed =
        (message.content || "New Thread")
          .replace(/<[@#][!&]?\d+>/g, "")
          .trim()
          .slice(0, 100) || "New Thread";
      nameDialog("Create Thread", proposed, (name) =>
        postJson(`/control/channels/${message.channel_id}/threads`, { author_id: state.me.id, name, message_id: message.id }),
      );
    },

    onEvent(type, thread) {
      if (type === "THREAD_DELETE") {
        threads.delete(thread.id);
        ctx.onChange();
      } else upsert(thread);
    },

    /** A message in a thread: the count under the starter message goes up. */
    onMessage(message) {
      const thread = threads.get(message.channel_id);
      if (!thread) return;
      thread.message_count = (thread.message_count ?? 0) + 1;
      if (thread.thread_metadata) thread.thread_metadata.archived = false;
      const starter = (state.messages.get(thread.parent_id) ?? []).find((m) => m.id === thread.id);
      if (starter) ctx.onStarterChanged(thread.parent_id, { id: starter.id, channel_id: thread.parent_id, thread: { ...thread } });
    },

    /** The header's Threads panel for the open channel (or a thread's parent). */
    togglePanel(panel) {
      if (!panel.hidden) {
        panel.hidden = true;
        return;
      }
      const parentId = threads.get(state.current)?.parent_id ?? state.current;
      const all = [...threads.values()].filter((t) => t.parent_id === parentId).sort((a, b) => (a.id < b.id ? 1 : -1));
      const head = el("div", "threads-head");
      head.append(el("h3", "", "Threads"));
      const create = el("button", "button small", "Create");
      create.type = "button";
      create.addEventListener("click", () => {
        panel.hidden = true;
        nameDialog("Create Thread", "", (name) => postJson(`/control/channels/${parentId}/threads`, { author_id: state.me.id, name, type: 11 }));
      });
      head.append(create);
      const rows = [];
      for (const [title, list] of [
        ["Active", all.filter((t) => !t.thread_metadata?.archived)],
        ["Archived", all.filter((t) => t.thread_metadata?.archived)],
      ]) {
        if (list.length === 0) continue;
        rows.push(el("div", "threads-section", `${list.length} ${title} ${list.length === 1 ? "Thread" : "Threads"}`));
        for (const thread of list) {
          const row = el("button", "threads-row");
          row.type = "button";
          row.dataset.threadId = thread.id;
          row.append(el("span", "thread-name", thread.name), el("span", "thread-count", `${thread.message_count ?? 0} messages`));
          row.addEventListener("click", () => {
            panel.hidden = true;
            ctx.select(thread.id).catch((error) => toast(error.message));
          });
          rows.push(row);
        }
      }
      if (rows.length === 0) rows.push(el("p", "muted", "There are no threads here yet. Hover a message and pick Create Thread."));
      panel.replaceChildren(head, ...rows);
      panel.hidden = false;
    },
  };
  return api;
}
