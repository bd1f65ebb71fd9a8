// Files to send with the next message: the "+" button, dropping files on the chat and pasting them.
// They wait in a tray above the box (name, size, ✕) until Enter sends them with the text, Discord's
// limits checked first: 10 files, 10 MB each.
import { alertDialog } from "./modal.js";
import { formatSize } from "./attachments.js";
import { el } from "./people.js";

export const MAX_FILES = 10;
export const MAX_FILE_BYTES = 10 * 1024 * 1024;

/** Base64 of a file's bytes (chunked: a large file does not fit one `String.fromCharCode` call). */
async function base64Of(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return window.btoa(binary);
}

/** `options`: { button, input (file), zone (drop target), tray (list), textarea, onChange() }. */
export function createUploads(options) {
  const { button, input, zone, tray, textarea } = options;
  let pending = [];

  const render = () => {
    tray.hidden = pending.length === 0;
    tray.replaceChildren(
      ...pending.map((file, index) => {
        const item = el("li", "upload");
        if (file.type.startsWith("image/")) {
          const preview = el("img", "upload-preview");
          preview.src = window.URL.createObjectURL(file);
          preview.alt = "";
          item.append(preview);
        } else item.append(el("span", "upload-icon", "📄"));
        item.append(el("span", "upload-name", file.name), el("span", "upload-size", formatSize(file.size)));
        const remove = el("button", "upload-remove", "✕");
        remove.type = "button";
        remove.setAttribute("aria-label", `Remove ${file.name}`);
        remove.addEventListener("click", () => {
          pending = pending.filter((_f, i) => i !== index);
          render();
        });
        item.append(remove);
        return item;
      }),
    );
    options.onChange?.();
  };

  const add = (files) => {
    const list = [...files];
    if (list.some((f) => f.size > MAX_FILE_BYTES)) {
      alertDialog("Your files are too powerful", `Max file size is ${formatSize(MAX_FILE_BYTES)} please.`);
      return;
    }
    if (pending.length + list.length > MAX_FILES) {
      alertDialog("Too many uploads!", `You can only upload ${MAX_FILES} files at a time!`);
      return;
    }
    pending = [...pending, ...list];
    render();
    textarea.focus();
  };

  button.addEventListener("click", () => input.click());
  input.addEventListener("change", () => {
    add(input.files ?? []);
    input.value = "";
  });
  zone.addEventListener("dragover", (event) => {
    if (![...(event.dataTransfer?.types ?? [])].includes("Files")) return;
    event.preventDefault();
    zone.classList.add("dropping");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("dropping"));
  zone.addEventListener("drop", (event) => {
    zone.classList.remove("dropping");
    if (!event.dataTransfer?.files.length) return;
    event.preventDefault();
    add(event.dataTransfer.files);
  });
  textarea.addEventListener("paste", (event) => {
    const files = [...(event.clipboardData?.files ?? [])];
    if (files.length === 0) return;
    event.preventDefault();
    add(files);
  });

  return {
    has: () => pending.length > 0,
    /** The files as the control route takes them; the tray empties (give them back with `restore`). */
    async take() {
      const files = pending;
      pending = [];
      render();
      const encoded = await Promise.all(files.map(async (f) => ({ filename: f.name, content_type: f.type || undefined, data: await base64Of(f) })));
      return { files, encoded };
    },
    restore(files) {
      pending = [...files, ...pending];
      render();
    },
  };
}
