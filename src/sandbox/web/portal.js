// The mock Developer Portal: the same steps as discord.com/developers, against the sandbox.
// Routes live in the hash (#/applications/<id>/bot) so the server needs only GET /portal.
import { getJson, postJson } from "./api.js";
import { renderApplication } from "./portal-app.js";
import { avatar, el } from "./people.js";

const view = document.getElementById("view");
const nav = document.getElementById("nav");
const dialog = document.getElementById("dialog");

/** Shows a modal built by `build(close)`; resolves when closed. */
export function openDialog(build) {
  return new Promise((resolve) => {
    const close = (value) => {
      dialog.hidden = true;
      dialog.replaceChildren();
      resolve(value);
    };
    dialog.replaceChildren(build(close));
    dialog.hidden = false;
    dialog.querySelector("input, .button:not(.link)")?.focus();
  });
}

async function route() {
  const match = /^#\/applications\/(\d+)(?:\/(\w+))?/.exec(location.hash);
  if (!match) return renderList();
  const apps = await getJson("/portal/applications");
  const app = apps.find((a) => a.application_id === match[1]);
  if (!app) {
    location.hash = "#/";
    return;
  }
  await renderApplication(app, match[2] ?? "information", { view, nav, openDialog, navItem });
}

async function renderList() {
  nav.replaceChildren(navItem("Applications", "#/", true));
  const apps = await getJson("/portal/applications");
  const header = el("div", "page-header");
  const newButton = el("button", "button", "New Application");
  newButton.addEventListener("click", () => newApplication());
  header.append(el("h1", "", "Applications"), newButton);
  const intro = el("p", "lead", "Develop apps to customize and extend Discord for millions of users — or, here, for the BoBB Sandbox on this machine.");
  const grid = el("div", "app-grid");
  for (const app of apps) {
    const card = el("a", "app-card");
    card.href = `#/applications/${app.application_id}/information`;
    card.append(avatar({ id: app.bot_user_id, username: app.name, avatar_url: app.avatar_url }, "large"), el("span", "app-name", app.name));
    grid.append(card);
  }
  if (apps.length === 0) grid.append(el("p", "empty", "You have no applications yet. Click New Application to create one."));
  view.replaceChildren(header, intro, el("h2", "", "My Applications"), grid);
}

function newApplication() {
  return openDialog((close) => {
    const form = el("form", "dialog");
    const body = el("div", "body");
    const input = el("input");
    input.type = "text";
    input.id = "app-name";
    input.maxLength = 32;
    input.required = true;
    input.autocomplete = "off";
    const label = el("label", "label", "Name");
    label.htmlFor = "app-name";
    const error = el("p", "error-text");
    body.append(el("h2", "", "Create an application"), label, input, error);
    const actions = el("div", "actions");
    const cancel = el("button", "button link", "Cancel");
    cancel.type = "button";
    cancel.addEventListener("click", () => close());
    const create = el("button", "button", "Create");
    create.type = "submit";
    actions.append(cancel, create);
    form.append(body, actions);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      create.disabled = true;
      try {
        // The token the server returns here is ignored: as on Discord, it is shown only after Reset Token.
        const created = await postJson("/portal/applications", { name: input.value.trim() });
        close();
        location.hash = `#/applications/${created.application_id}/information`;
      } catch (failure) {
        error.textContent = failure.code === "invalid_name" ? "Use 2–32 letters, digits, spaces, _ . or -." : failure.message;
        create.disabled = false;
      }
    });
    return form;
  });
}

/** A left-menu link. */
export function navItem(text, href, active) {
  const link = el("a", "nav-item" + (active ? " active" : ""), text);
  link.href = href;
  if (active) link.setAttribute("aria-current", "page");
  return link;
}

window.addEventListener("hashchange", () => route().catch(showError));
route().catch(showError);

function showError(error) {
  view.replaceChildren(el("h1", "", "Something went wrong"), el("p", "lead", error.message));
}
