// The OAuth2 invite page (/oauth2/authorize?client_id=…&scope=bot): adds a bot to a sandbox
// server. client_id may be the application id or the bot's user id (the same on Discord).
import { getJson, postJson } from "./api.js";
import { avatar, el } from "./people.js";

const card = document.getElementById("card");
const PERMISSIONS = ["View Channels", "Send Messages", "Read Message History", "Send Messages in Threads"];

async function main() {
  const params = new URLSearchParams(location.search);
  const clientId = params.get("client_id") ?? "";
  const [apps, guilds] = await Promise.all([getJson("/portal/applications"), getJson("/portal/guilds")]);
  const app = apps.find((a) => a.application_id === clientId || a.bot_user_id === clientId);
  if (!app) {
    card.replaceChildren(
      el("h1", "", "Unknown application"),
      el("p", "muted", `No application with client_id "${clientId}" exists in this sandbox. Create it in the Developer Portal first.`),
      portalLink(),
    );
    return;
  }
  const head = el("div", "authorize-head");
  head.append(
    avatar({ id: app.bot_user_id, username: app.name }, "large"),
    el("div", "muted", "An external application"),
    el("h1", "", app.name),
    el("div", "muted", "wants to access your Discord account"),
  );

  const select = el("select");
  select.id = "guild";
  for (const guild of guilds) {
    const option = el("option", "", guild.name);
    option.value = guild.id;
    select.append(option);
  }
  const label = el("label", "label", "Add to server:");
  label.htmlFor = "guild";
  const rights = el("ul", "rights");
  for (const right of PERMISSIONS) rights.append(el("li", "", right));
  const error = el("p", "error-text");
  const actions = el("div", "authorize-actions");
  const cancel = el("a", "button link", "Cancel");
  cancel.href = "/portal";
  const authorize = el("button", "button", "Authorize");
  authorize.addEventListener("click", async () => {
    authorize.disabled = true;
    try {
      await postJson(`/portal/guilds/${select.value}/bots`, { application_id: app.application_id });
      done(app, select.selectedOptions[0]?.textContent ?? "the server");
    } catch (failure) {
      error.textContent = failure.message;
      authorize.disabled = false;
    }
  });
  actions.append(cancel, authorize);
  card.replaceChildren(head, label, select, el("div", "label", `This will allow ${app.name} to:`), rights, error, actions);
  if (guilds.length === 0) {
    authorize.disabled = true;
    error.textContent = "The sandbox has no server to add the bot to.";
  }
}

function done(app, guildName) {
  const chat = el("a", "button", "Open chat");
  chat.href = "/";
  const head = el("div", "authorize-head");
  head.append(
    avatar({ id: app.bot_user_id, username: app.name }, "large"),
    el("h1", "", "Authorized"),
    el("p", "success-text", `${app.name} was added to ${guildName}.`),
  );
  card.replaceChildren(head, el("p", "muted", "It shows up in the member list, online as soon as it logs in with its token."), chat);
}

function portalLink() {
  const link = el("a", "button", "Open the Developer Portal");
  link.href = "/portal";
  return link;
}

main().catch((error) => card.replaceChildren(el("h1", "", "Something went wrong"), el("p", "muted", error.message)));
