// What a message carries besides text, as Discord draws it: images inline (click opens the file), other
// files as a card with name and size, and the box under a message a thread was started from
// ("Thread name" / "N Messages ›").
import { el } from "./people.js";

const IMAGE = /^image\/(png|jpeg|gif|webp)/;
const MAX_PREVIEW = 400;

/** "12 bytes", "3.4 KB", "1.20 MB" (Discord's units: 1 KB = 1024 bytes). */
export function formatSize(bytes) {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(2)} MB`;
}

/** The path of an attachment on this sandbox (its URL may name another of the sandbox's addresses). */
function pathOf(url) {
  try {
    return new window.URL(url, location.href).pathname;
  } catch {
    return url;
  }
}

/** The attachments block of a message, or null without attachments. */
export function attachmentsElement(message) {
  const list = message.attachments ?? [];
  if (list.length === 0) return null;
  const block = el("div", "attachments");
  for (const attachment of list) {
    const href = pathOf(attachment.url);
    if (IMAGE.test(attachment.content_type ?? "") && attachment.width && attachment.height) {
      const scale = Math.min(1, MAX_PREVIEW / Math.max(attachment.width, attachment.height));
      const link = el("a", "attachment-image");
      link.href = href;
      link.target = "_blank";
      link.rel = "noopener";
      const image = el("img");
      image.src = href;
      image.alt = attachment.description || attachment.filename;
      image.width = Math.round(attachment.width * scale);
      image.height = Math.round(attachment.height * scale);
      image.loading = "lazy";
      link.append(image);
      block.append(link);
      continue;
    }
    const card = el("div", "attachment-file");
    const name = el("a", "attachment-name", attachment.filename);
    name.href = href;
    name.download = attachment.filename;
    card.append(el("span", "attachment-icon", "📄"), el("span", "attachment-meta"));
    card.lastChild.append(name, el("span", "attachment-size", formatSize(attachment.size)));
    block.append(card);
  }
  return block;
}

/** The thread box under the message a thread was started from; `onOpen(threadId)`. */
export function threadLinkElement(message, onOpen) {
  const thread = message.thread;
  if (!thread) return null;
  const box = el("button", "thread-link");
  box.type = "button";
  box.dataset.threadId = thread.id;
  const count = thread.message_count ?? 0;
  box.append(
    el("span", "thread-name", thread.name),
    el("span", "thread-count", count === 0 ? "No messages yet ›" : `${count} ${count === 1 ? "Message" : "Messages"} ›`),
  );
  box.addEventListener("click", () => onOpen(thread.id));
  return box;
}
