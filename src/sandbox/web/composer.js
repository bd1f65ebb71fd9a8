// The message box: Enter sends, Shift+Enter breaks the line, "@na" offers members by name, "/" the
// server's commands (commands.js). The textarea shows readable "@Chef Bot"; toMarkup turns known names
// into <@id> when sending. Near Discord's 2,000-character limit a counter shows what is left.
import { alertDialog } from "./modal.js";
import { avatar, botTag, el } from "./people.js";

const TRIGGER = /(^|\s)@([^@\n]{0,32})$/;
const MAX_SUGGESTIONS = 8;
export const MAX_LENGTH = 2000;
const COUNTER_FROM = 200; // the counter shows once this few characters are left

/**
 * Wires the composer. `options`: { textarea, popup (ul), counter (element), picker (commands.js),
 * members() → [{id, username, bot}], onSend(text) → Promise, onTyping(), onEscape(), hasFiles() (files may go without text) }.
 */
export function createComposer(options) {
  const { textarea, popup, counter, picker } = options;
  let suggestions = [];
  let selected = 0;
  let query = null; // { start, end } of "@text" being completed

  const close = () => {
    suggestions = [];
    query = null;
    popup.hidden = true;
    textarea.setAttribute("aria-expanded", "false");
  };

  const show = () => {
    popup.replaceChildren(el("li", "autocomplete-title", "Members"));
    suggestions.forEach((user, index) => {
      const item = el("li", "autocomplete-item" + (index === selected ? " selected" : ""));
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", String(index === selected));
      item.dataset.userId = user.id;
      item.append(avatar(user, "tiny"), el("span", "name", user.username));
      if (user.bot) item.append(botTag());
      // mousedown, not click: keep the textarea focused.
      item.addEventListener("mousedown", (event) => {
        event.preventDefault();
        choose(index);
      });
      popup.append(item);
    });
    popup.hidden = false;
    textarea.setAttribute("aria-expanded", "true");
  };

  const count = () => {
    const left = MAX_LENGTH - toMarkup(textarea.value, options.members()).length;
    counter.hidden = left > COUNTER_FROM;
    counter.textContent = String(left);
    counter.classList.toggle("over", left < 0);
    counter.title = left < 0 ? `${-left} characters over the limit` : `${left} characters left`;
  };

  const update = () => {
    if (textarea.value.startsWith("/")) {
      close();
      return picker.update();
    }
    picker.close();
    const before = textarea.value.slice(0, textarea.selectionStart);
    const match = TRIGGER.exec(before);
    if (!match || textarea.selectionStart !== textarea.selectionEnd) return close();
    const typed = match[2].toLowerCase();
    const matches = options
      .members()
      .filter((user) =>
        user.username
          .toLowerCase()
          .split(/\s+/)
          .some((_w, i, words) => words.slice(i).join(" ").startsWith(typed)),
      )
      .sort(
        (a, b) =>
          Number(b.username.toLowerCase().startsWith(typed)) - Number(a.username.toLowerCase().startsWith(typed)) || a.username.localeCompare(b.username),
      )
      .slice(0, MAX_SUGGESTIONS);
    if (matches.length === 0) return close();
    suggestions = matches;
    selected = Math.min(selected, matches.length - 1);
    query = { start: before.length - match[2].length - 1, end: before.length };
    show();
  };

  const choose = (index) => {
    const user = suggestions[index];
    if (!user || !query) return;
    const text = textarea.value;
    const insert = "@" + user.username + " ";
    textarea.value = text.slice(0, query.start) + insert + text.slice(query.end);
    const caret = query.start + insert.length;
    textarea.setSelectionRange(caret, caret);
    close();
    resize();
  };

  const resize = () => {
    textarea.style.height = "auto";
    textarea.style.height = Math.min(textarea.scrollHeight, 240) + "px";
  };

  const send = async () => {
    const text = textarea.value;
    if (!text.trim() && !options.hasFiles?.()) return;
    const markup = toMarkup(text, options.members());
    if (markup.length > MAX_LENGTH) {
      // Discord's own alert; nothing is sent and the text stays in the box.
      alertDialog(
        "Your message is too long.",
        `Please make your message shorter. We've set the limit at ${MAX_LENGTH.toLocaleString("en-US")} characters to be courteous to others. (${markup.length.toLocaleString("en-US")} / ${MAX_LENGTH.toLocaleString("en-US")})`,
      );
      return;
    }
    textarea.value = "";
    resize();
    count();
    try {
      await options.onSend(markup);
    } catch (error) {
      textarea.value = text; // give the text back so nothing typed is lost
      resize();
      count();
      throw error;
    }
  };

  textarea.addEventListener("input", () => {
    selected = 0;
    update();
    resize();
    count();
    if (textarea.value.trim()) options.onTyping();
  });
  textarea.addEventListener("click", update);
  textarea.addEventListener("blur", () => {
    close();
    picker.close();
  });
  textarea.addEventListener("keydown", (event) => {
    if (event.isComposing) return;
    if (picker.handleKey(event)) return;
    if (!popup.hidden && suggestions.length > 0) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        selected = (selected + (event.key === "ArrowDown" ? 1 : -1) + suggestions.length) % suggestions.length;
        show();
        return;
      }
      if (event.key === "Enter" || event.key === "Tab") {
        event.preventDefault();
        choose(selected);
        return;
      }
      if (event.key === "Escape") {
        event.preventDefault();
        close();
        return;
      }
    }
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      send().catch(() => undefined);
    } else if (event.key === "Escape") {
      options.onEscape();
    }
  });

  return { focus: () => (textarea.hidden ? undefined : textarea.focus()), setPlaceholder: (text) => (textarea.placeholder = text) };
}

/** Replaces "@Name" of known users with <@id>, longest names first, outside code. */
export function toMarkup(text, users) {
  const sorted = [...users].sort((a, b) => b.username.length - a.username.length);
  return text
    .split(/(```[\s\S]*?```|`[^`\n]*`)/)
    .map((part, index) => {
      if (index % 2 === 1) return part;
      for (const user of sorted) {
        const name = user.username.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        part = part.replace(new RegExp("(^|[^\\w<])@" + name + "(?![\\w])", "gi"), (_all, lead) => lead + "<@" + user.id + ">");
      }
      return part;
    })
    .join("");
}
