// The "/" command picker, as Discord's: typing "/" lists the server's commands grouped by app, with
// descriptions (subcommands as "/bobb create"); choosing one turns the composer into the command's
// option fields, required ones first; Enter (or Send) runs it.
import { avatar, el } from "./people.js";

const MAX_SHOWN = 25;
const TRIGGER = /^\/([\w' -]{0,64})$/;
const Option = { Subcommand: 1, Group: 2, String: 3, Integer: 4, Boolean: 5, User: 6, Channel: 7, Role: 8, Mentionable: 9, Number: 10, Attachment: 11 };

/** Every runnable chat-input command and subcommand: { path, description, applicationId, options }. */
export function flattenCommands(commands) {
  const entries = [];
  const push = (path, description, options, command) =>
    entries.push({
      path,
      description: description ?? "",
      applicationId: command.application_id,
      options: [...(options ?? [])].sort((a, b) => Number(b.required === true) - Number(a.required === true)),
    });
  for (const command of commands) {
    if (command.type !== undefined && command.type !== 1) continue;
    const subs = (command.options ?? []).filter((o) => o.type === Option.Subcommand || o.type === Option.Group);
    if (subs.length === 0) push(command.name, command.description, command.options, command);
    for (const sub of subs) {
      if (sub.type === Option.Subcommand) push(`${command.name} ${sub.name}`, sub.description, sub.options, command);
      else for (const leaf of sub.options ?? []) push(`${command.name} ${sub.name} ${leaf.name}`, leaf.description, leaf.options, command);
    }
  }
  return entries.sort((a, b) => a.path.localeCompare(b.path));
}

/**
 * Wires the picker. `options`: { textarea, popup (ul), panel (div), load() → Promise<entries>,
 * appOf(applicationId) → { name, user }, members(), channels(), onRun(entry, values) → Promise (resolves when sent), onClose() }.
 */
export function createCommandPicker(options) {
  const { textarea, popup, panel } = options;
  let entries = null; // loaded on the first "/", dropped on APPLICATION_COMMANDS_UPDATE
  let shown = [];
  let selected = 0;
  let active = null; // { entry, fields: [{ option, control, error }] } while filling in a command

  const close = () => {
    shown = [];
    popup.hidden = true;
    popup.classList.remove("commands");
  };

  const render = () => {
    popup.replaceChildren();
    popup.classList.add("commands");
    let lastApp = null;
    shown.forEach((entry, index) => {
      if (entry.applicationId !== lastApp) {
        lastApp = entry.applicationId;
        const app = options.appOf(entry.applicationId);
        const title = el("li", "autocomplete-title command-app");
        title.append(avatar(app.user, "tiny"), el("span", "", app.name));
        popup.append(title);
      }
      const item = el("li", "autocomplete-item command-item" + (index === selected ? " selected" : ""));
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", String(index === selected));
      item.dataset.command = entry.path;
      item.append(el("span", "command-name", "/" + entry.path), el("span", "command-description", entry.description));
      item.addEventListener("mousedown", (event) => {
        event.preventDefault();
        choose(entry);
      });
      popup.append(item);
    });
    if (shown.length === 0) popup.append(el("li", "autocomplete-title", "No commands match"));
    popup.hidden = false;
    popup.querySelector(".selected")?.scrollIntoView({ block: "nearest" });
  };

  const update = async () => {
    const match = active ? null : TRIGGER.exec(textarea.value);
    if (!match) return close();
    if (!entries) entries = await options.load().catch(() => []);
    if (TRIGGER.exec(textarea.value)?.[1] !== match[1]) return; // typed on while loading
    const typed = match[1].toLowerCase().trimStart();
    const byApp = (e) => options.appOf(e.applicationId).name;
    shown = entries
      .filter((e) => e.path.startsWith(typed) || e.path.split(" ").some((word) => word.startsWith(typed)))
      .sort((a, b) => byApp(a).localeCompare(byApp(b)) || a.path.localeCompare(b.path))
      .slice(0, MAX_SHOWN);
    selected = Math.min(selected, Math.max(shown.length - 1, 0));
    render();
  };

  const choose = (entry) => {
    close();
    textarea.value = "";
    active = { entry, fields: entry.options.map((option) => fieldFor(option, options)) };
    const head = el("div", "command-head");
    head.append(el("span", "command-chip", "/" + entry.path), el("span", "command-description", entry.description));
    const cancel = el("button", "reply-cancel", "✕");
    cancel.type = "button";
    cancel.setAttribute("aria-label", "Cancel command");
    cancel.addEventListener("click", () => exit());
    const send = el("button", "button small", "Send");
    send.type = "button";
    send.addEventListener("click", () => run());
    head.append(send, cancel);
    const error = el("p", "error-text command-error");
    error.setAttribute("role", "alert");
    panel.replaceChildren(head, ...active.fields.map((f) => f.node), error);
    panel.hidden = false;
    textarea.hidden = true;
    (active.fields[0]?.control ?? send).focus();
  };

  const exit = () => {
    active = null;
    panel.hidden = true;
    panel.replaceChildren();
    textarea.hidden = false;
    textarea.focus();
    options.onClose?.();
  };

  const run = async () => {
    if (!active) return;
    const values = {};
    let missing = false;
    for (const field of active.fields) {
      const value = field.value();
      field.error.textContent = "";
      if (value === undefined) {
        if (field.option.required) {
          field.error.textContent = "This field is required";
          missing = true;
        }
        continue;
      }
      values[field.option.name] = value;
    }
    if (missing) return;
    const running = active;
    panel.classList.add("busy");
    try {
      await options.onRun(running.entry, values); // resolves once the sandbox took the command
      if (active === running) exit();
    } catch (error) {
      panel.querySelector(".command-error")?.replaceChildren(error.message);
    } finally {
      panel.classList.remove("busy");
    }
  };

  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      exit();
    } else if (event.key === "Enter" && !event.shiftKey && event.target.tagName !== "BUTTON") {
      event.preventDefault();
      run();
    }
  });

  return {
    update: () => void update(),
    close,
    /** Whether a command with this path ("bobb room invite") is offered here. */
    async has(path) {
      if (!entries) entries = await options.load().catch(() => []);
      return entries.some((e) => e.path === path);
    },
    /** Opens the command's option fields as if it were picked from the list; false when it is not offered. */
    async open(path) {
      if (!entries) entries = await options.load().catch(() => []);
      const entry = entries.find((e) => e.path === path);
      if (entry) choose(entry);
      return entry !== undefined;
    },
    invalidate: () => {
      entries = null;
      if (!popup.hidden && popup.classList.contains("commands")) void update();
    },
    /** Handles a key of the textarea while the list is open; true when it was the picker's. */
    handleKey(event) {
      if (popup.hidden || !popup.classList.contains("commands")) return false;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (shown.length === 0) return true;
        selected = (selected + (event.key === "ArrowDown" ? 1 : -1) + shown.length) % shown.length;
        render();
      } else if (event.key === "Enter" || event.key === "Tab") {
        if (shown[selected]) choose(shown[selected]);
      } else if (event.key === "Escape") {
        close();
      } else return false;
      event.preventDefault();
      return true;
    },
  };
}

/** One option's field: a text or number box, or a choice of values, members, channels or true/false. */
function fieldFor(option, sources) {
  const node = el("div", "command-field");
  const id = "command-option-" + option.name;
  const label = el("label", "command-label", option.name);
  label.htmlFor = id;
  if (option.required) label.append(el("span", "required", " *"));
  let control;
  const choices = (list) => {
    control = el("select");
    control.append(el("option", "", option.required ? "Choose…" : "(none)"));
    control.firstChild.value = "";
    for (const [value, text] of list) {
      const item = el("option", "", text);
      item.value = String(value);
      control.append(item);
    }
  };
  if (option.choices?.length) choices(option.choices.map((c) => [c.value, c.name]));
  else if (option.type === Option.Boolean)
    choices([
      ["true", "True"],
      ["false", "False"],
    ]);
  else if (option.type === Option.User || option.type === Option.Mentionable) choices(sources.members().map((m) => [m.id, m.username]));
  else if (option.type === Option.Channel) choices(sources.channels().map((c) => [c.id, "#" + c.name]));
  else {
    control = el("input");
    control.type = option.type === Option.Integer || option.type === Option.Number ? "number" : "text";
    if (option.type === Option.Integer) control.step = "1";
    if (option.type === Option.Number) control.step = "any";
    if (option.min_value !== undefined) control.min = String(option.min_value);
    if (option.max_value !== undefined) control.max = String(option.max_value);
    if (option.max_length !== undefined) control.maxLength = option.max_length;
    if (option.type === Option.Attachment) {
      control.disabled = true;
      control.placeholder = "Attachments are not emulated";
    } else control.placeholder = option.description ?? "";
    control.autocomplete = "off";
  }
  control.id = id;
  control.title = option.description ?? "";
  const error = el("span", "error-text command-field-error");
  node.append(label, control, error);
  const numeric = option.type === Option.Integer || option.type === Option.Number;
  const value = () => {
    const raw = control.value.trim();
    if (raw === "") return undefined;
    return numeric && !option.choices?.length ? Number(raw) : raw;
  };
  return { option, node, control, error, value };
}
