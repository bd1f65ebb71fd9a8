// What the person does with apps, through the sandbox's control routes: run a slash command, click a
// button, submit a modal. Each interaction is followed until the app answers or Discord's deadline
// passes; "Sending command…" shows meanwhile, and the app's modal opens when it asks for one.
import { getJson, postJson } from "./api.js";
import { openModal } from "./modal.js";
import { avatar, botTag, el, icon, toast } from "./people.js";

const POLL_MS = 150;
const GIVE_UP_MS = 30_000; // only if the sandbox never marks it expired

/** Resolves with the interaction's view once the app acknowledged it or its deadline passed. */
async function settle(interactionId) {
  const started = Date.now();
  for (;;) {
    const view = await getJson(`/control/interactions/${interactionId}`);
    if (view.acknowledged !== null || view.expired || Date.now() - started > GIVE_UP_MS) return view;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/**
 * The runner. `ctx`: { me(), channelId(), list (the messages <ol>), appUser(applicationId) → user|null }.
 */
export function createInteractions(ctx) {
  const answered = async (interactionId, failed) => {
    const view = await settle(interactionId);
    if (view.acknowledged === 9 && view.modal) openModal(view.modal, (values) => submitModal(view.id, values));
    else if (view.acknowledged === null) failed();
    return view;
  };

  const submitModal = async (interactionId, values) => {
    const { interaction_id } = await postJson(`/control/interactions/${interactionId}/modal`, { values });
    answered(interaction_id, () => toast("This interaction failed", 5000)).catch(() => undefined);
  };

  return {
    /** Runs "/path" with option values as the page's human (resolves once sent); "Sending command…" shows until the app answers. */
    async runCommand(entry, options) {
      const me = ctx.me();
      const body = { user_id: me.id, channel_id: ctx.channelId(), command: entry.path, options, application_id: entry.applicationId };
      const { interaction_id } = await postJson("/control/interactions", body);
      const pending = pendingElement(ctx.appUser(entry.applicationId) ?? { id: entry.applicationId, username: entry.appName, bot: true }, me, entry.path);
      pending.node.dataset.interactionId = interaction_id; // the answer's MESSAGE_CREATE replaces it (timeline.js)
      ctx.list.append(pending.node);
      pending.node.scrollIntoView({ block: "end" });
      answered(interaction_id, () => pending.fail("The application did not respond"))
        .then((view) => view.acknowledged !== null && pending.node.remove())
        .catch(() => pending.fail("The application did not respond"));
    },

    /** Clicks a button of an app's message; the button waits (disabled) until the app answers. */
    async click(message, customId, node) {
      node.disabled = true;
      node.classList.add("loading");
      const restore = () => {
        node.disabled = false;
        node.classList.remove("loading");
      };
      try {
        const { interaction_id } = await postJson(`/control/messages/${message.id}/components`, { user_id: ctx.me().id, custom_id: customId });
        await answered(interaction_id, () => failedNote(node));
      } catch (error) {
        toast("This interaction failed: " + error.message, 5000);
      } finally {
        restore();
      }
    },
  };
}

/** Discord's placeholder while a command waits for its app: the app's avatar and name, "Sending command…". */
function pendingElement(app, me, path) {
  const node = el("li", "message pending ephemeral");
  const context = el("div", "interaction-context");
  context.append(avatar(me, "tiny"), el("span", "reply-author", me.username), el("span", "", " used "), el("span", "command-name", "/" + path));
  const gutter = el("div", "gutter");
  gutter.append(avatar(app));
  const body = el("div", "body");
  const header = el("div", "header");
  header.append(el("span", "author", app.username), botTag());
  const content = el("div", "content sending", "Sending command…");
  body.append(header, content);
  node.append(context, gutter, body);
  return {
    node,
    fail(text) {
      content.className = "content failed";
      content.textContent = text;
      const note = el("div", "ephemeral-note");
      const dismiss = el("button", "link-button", "Dismiss message");
      dismiss.type = "button";
      dismiss.addEventListener("click", () => node.remove());
      note.append(icon("eye"), "Only you can see this • ", dismiss);
      body.append(note);
    },
  };
}

function failedNote(button) {
  const block = button.closest(".components");
  if (!block || block.querySelector(".interaction-failed")) return;
  block.append(el("div", "interaction-failed", "This interaction failed"));
}
