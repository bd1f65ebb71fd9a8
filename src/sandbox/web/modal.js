// Discord's dialogs: an app's modal (text inputs with labels, required, min/max; Submit or Cancel/Escape)
// and the client's own alerts ("Your message is too long."). Every text is set as text.
import { el } from "./people.js";

let open = null; // the dialog on screen: only one at a time, like Discord

/** Closes the dialog on screen, if any. */
export function closeDialog() {
  open?.close();
}

function overlayWith(dialog, onClose) {
  closeDialog();
  const overlay = el("div", "overlay");
  overlay.append(dialog);
  const close = () => {
    overlay.remove();
    document.removeEventListener("keydown", onKey, true);
    if (open?.overlay === overlay) open = null;
    onClose?.();
  };
  const onKey = (event) => {
    if (event.key !== "Escape") return;
    event.preventDefault();
    event.stopPropagation();
    close();
  };
  overlay.addEventListener("mousedown", (event) => {
    if (event.target === overlay) close();
  });
  document.addEventListener("keydown", onKey, true);
  document.body.append(overlay);
  open = { overlay, close };
  return close;
}

/** A text input of a modal: from a legacy action row (label on the input) or from a Label (type 18) around it. */
function inputsOf(components) {
  const fields = [];
  for (const component of components ?? []) {
    if (component.type === 1) {
      for (const child of component.components ?? []) if (child.type === 4) fields.push({ input: child, label: child.label ?? "", description: null });
    } else if (component.type === 18 && component.component?.type === 4) {
      fields.push({ input: component.component, label: component.label ?? "", description: component.description ?? null });
    } else if (component.type === 10) {
      fields.push({ text: String(component.content ?? "") });
    }
  }
  return fields;
}

function fieldElement(field, index) {
  if (field.text !== undefined) return el("p", "modal-text", field.text);
  const { input } = field;
  const wrap = el("div", "modal-field");
  const id = "modal-input-" + index;
  const label = el("label", "label", field.label);
  label.htmlFor = id;
  const required = input.required !== false;
  if (required) label.append(el("span", "required", " *"));
  wrap.append(label);
  if (field.description) wrap.append(el("div", "muted", field.description));
  const control = el(input.style === 2 ? "textarea" : "input");
  if (input.style !== 2) control.type = "text";
  else control.rows = 4;
  control.id = id;
  control.name = input.custom_id;
  control.required = required;
  control.autocomplete = "off";
  if (input.min_length !== undefined) control.minLength = input.min_length;
  control.maxLength = input.max_length ?? 4000;
  if (input.placeholder) control.placeholder = input.placeholder;
  if (input.value) control.value = input.value;
  wrap.append(control);
  return wrap;
}

/**
 * Opens an app's modal `{custom_id, title, components}`. `onSubmit(values by custom_id)` → Promise: the modal
 * closes when it resolves and shows the error when it rejects. Escape, ✕ or Cancel close it unsent.
 */
export function openModal(view, onSubmit) {
  const form = el("form", "dialog modal");
  form.setAttribute("role", "dialog");
  form.setAttribute("aria-modal", "true");
  form.setAttribute("aria-labelledby", "modal-title");
  form.noValidate = false;
  const body = el("div", "body");
  const head = el("div", "modal-head");
  const title = el("h2", "", view.title);
  title.id = "modal-title";
  const dismiss = el("button", "modal-close", "✕");
  dismiss.type = "button";
  dismiss.setAttribute("aria-label", "Close");
  head.append(title, dismiss);
  body.append(head);
  const fields = inputsOf(view.components);
  fields.forEach((field, index) => body.append(fieldElement(field, index)));
  const error = el("p", "error-text");
  error.setAttribute("role", "alert");
  body.append(error);
  const actions = el("div", "actions");
  const cancel = el("button", "button link", "Cancel");
  cancel.type = "button";
  const submit = el("button", "button", "Submit");
  submit.type = "submit";
  actions.append(cancel, submit);
  form.append(body, actions);
  const close = overlayWith(form);
  dismiss.addEventListener("click", close);
  cancel.addEventListener("click", close);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const values = {};
    for (const control of form.querySelectorAll("input, textarea")) values[control.name] = control.value;
    submit.disabled = true;
    error.textContent = "";
    try {
      await onSubmit(values);
      close();
    } catch (failure) {
      error.textContent = failure.message || "Something went wrong. Try again.";
      submit.disabled = false;
    }
  });
  form.querySelector("input, textarea")?.focus();
  return close;
}

/** Discord's own alert: a title, a line of text and "Okay". */
export function alertDialog(heading, text) {
  const box = el("div", "dialog alert");
  box.setAttribute("role", "alertdialog");
  box.setAttribute("aria-modal", "true");
  box.setAttribute("aria-labelledby", "alert-title");
  const body = el("div", "body");
  const title = el("h2", "", heading);
  title.id = "alert-title";
  body.append(title, el("p", "", text));
  const actions = el("div", "actions");
  const okay = el("button", "button", "Okay");
  okay.type = "button";
  actions.append(okay);
  box.append(body, actions);
  const close = overlayWith(box);
  okay.addEventListener("click", close);
  okay.focus();
  return close;
}

/** Discord's confirmation: a title, a line of text, Cancel and a red button; resolves true when confirmed. */
export function confirmDialog(heading, text, confirmLabel) {
  return new Promise((resolve) => {
    let confirmed = false;
    const box = el("div", "dialog alert");
    box.setAttribute("role", "alertdialog");
    box.setAttribute("aria-modal", "true");
    box.setAttribute("aria-labelledby", "confirm-title");
    const body = el("div", "body");
    const title = el("h2", "", heading);
    title.id = "confirm-title";
    body.append(title, el("p", "", text));
    const actions = el("div", "actions");
    const cancel = el("button", "button link", "Cancel");
    cancel.type = "button";
    const confirm = el("button", "button danger", confirmLabel);
    confirm.type = "button";
    actions.append(cancel, confirm);
    box.append(body, actions);
    const close = overlayWith(box, () => resolve(confirmed));
    cancel.addEventListener("click", close);
    confirm.addEventListener("click", () => {
      confirmed = true;
      close();
    });
    confirm.focus();
  });
}
