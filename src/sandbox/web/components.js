// Message components as Discord shows them under a message: rows of buttons (primary, secondary,
// success, danger, link; disabled) and string selects (shown, not clickable in the sandbox).
import { el } from "./people.js";

const STYLES = { 1: "primary", 2: "secondary", 3: "success", 4: "danger", 5: "link" };

function label(component) {
  const emoji = component.emoji?.name ? component.emoji.name : "";
  return [emoji, component.label ?? ""].filter(Boolean).join(" ");
}

function button(message, component, onClick) {
  const style = STYLES[component.style] ?? "secondary";
  if (style === "link") {
    const link = el("a", "component-button link", label(component));
    if (/^https?:\/\//i.test(component.url ?? "")) link.href = component.url;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    link.append(el("span", "external", " ↗"));
    if (component.disabled) link.setAttribute("aria-disabled", "true");
    return link;
  }
  const node = el("button", "component-button " + style, label(component));
  node.type = "button";
  node.disabled = component.disabled === true;
  node.dataset.customId = component.custom_id ?? "";
  node.addEventListener("click", () => onClick(message, component.custom_id, node));
  return node;
}

function select(component) {
  const node = el("select", "component-select");
  node.disabled = true;
  node.title = "Select menus are not clickable in the sandbox";
  node.append(el("option", "", component.placeholder ?? "Make a selection"));
  for (const option of component.options ?? []) node.append(el("option", "", option.label ?? ""));
  return node;
}

/** The components block of a message, or null without components. `onClick(message, customId, buttonNode)`. */
export function componentsElement(message, onClick) {
  const rows = (message.components ?? []).filter((row) => row.type === 1);
  if (rows.length === 0) return null;
  const block = el("div", "components");
  for (const row of rows) {
    const line = el("div", "component-row");
    for (const component of row.components ?? []) {
      if (component.type === 2) line.append(button(message, component, onClick));
      else if (component.type === 3) line.append(select(component));
    }
    block.append(line);
  }
  return block;
}
