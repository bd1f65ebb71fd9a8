// One application in the portal: General Information, OAuth2 (the invite link) and Bot
// (Reset Token shown once, Privileged Gateway Intents with Save Changes).
import { getJson, patchJson, postJson } from "./api.js";
import { avatar, copyText, el, toast } from "./people.js";

const INTENTS = [
  ["presence_intent", "Presence Intent", "Required for your bot to receive Presence Update events."],
  ["server_members_intent", "Server Members Intent", "Required for your bot to receive events listed under GUILD_MEMBERS."],
  ["message_content_intent", "Message Content Intent", "Required for your bot to receive message content in most messages."],
];

/** Renders `section` ("information", "oauth2" or "bot") of `app`. */
export async function renderApplication(app, section, ui) {
  const base = `#/applications/${app.application_id}`;
  const back = el("a", "nav-back", "← My Applications");
  back.href = "#/";
  const title = el("div", "nav-app");
  title.append(avatar({ id: app.bot_user_id, username: app.name, avatar_url: app.avatar_url }, "small"), el("span", "", app.name));
  ui.nav.replaceChildren(
    back,
    title,
    el("h3", "nav-section", "Settings"),
    ui.navItem("General Information", `${base}/information`, section === "information"),
    ui.navItem("OAuth2", `${base}/oauth2`, section === "oauth2"),
    ui.navItem("Bot", `${base}/bot`, section === "bot"),
  );
  if (section === "bot") return ui.view.replaceChildren(...botSection(app, ui));
  if (section === "oauth2") return ui.view.replaceChildren(...(await oauthSection(app)));
  return ui.view.replaceChildren(...informationSection(app, base));
}

function informationSection(app, base) {
  const next = el("p", "callout");
  const link = el("a", "", "Bot");
  link.href = `${base}/bot`;
  next.append("Next: open ", link, " in the left menu to get the token and turn on the intents.");
  return [
    el("h1", "", "General Information"),
    el("p", "lead", "What should we call your creation? What amazing things does it do?"),
    field("Name", el("div", "value", app.name)),
    field("Description", el("div", app.description ? "value profile-about" : "muted", app.description || "No description yet.")),
    field("Application ID", copyable(app.application_id)),
    next,
  ];
}

function botSection(app, ui) {
  const user = el("div", "bot-user");
  user.append(avatar({ id: app.bot_user_id, username: app.name, avatar_url: app.avatar_url }, "large"));
  const who = el("div");
  who.append(field("Username", el("div", "value", app.name)), field("User ID", copyable(app.bot_user_id)));
  user.append(who);

  const token = el("section", "card");
  token.dataset.testid = "token-section";
  const showResetButton = () => {
    const reset = el("button", "button", "Reset Token");
    reset.addEventListener("click", () => confirmReset(app, ui).then((value) => value && showToken(value)));
    token.replaceChildren(
      el("h2", "", "Token"),
      el(
        "p",
        "muted",
        "For security purposes, tokens can only be viewed once, when created. If you forgot or lost access to your token, please regenerate a new one.",
      ),
      reset,
    );
  };
  const showToken = (value) => {
    const box = el("code", "token", value);
    box.dataset.testid = "token";
    const copy = el("button", "button", "Copy");
    copy.addEventListener("click", async () => toast((await copyText(value)) ? "Token copied" : "Select the token and copy it"));
    const row = el("div", "token-row");
    row.append(box, copy);
    token.replaceChildren(
      el("h2", "", "Token"),
      row,
      el(
        "p",
        "warning-text",
        "Copy your token now. It will not be shown again — if you lose it, reset it. Never share it in a channel: send it to BoBB in a direct message.",
      ),
    );
  };
  showResetButton();

  return [
    el("h1", "", "Bot"),
    el("p", "lead", "Bring your app to life by adding a bot user. This action allows you to see your app in the server and talk to it."),
    user,
    token,
    intentsCard(app),
  ];
}

function confirmReset(app, ui) {
  return ui.openDialog((close) => {
    const box = el("div", "dialog");
    const body = el("div", "body");
    body.append(
      el("h2", "", "Reset Bot's Token?"),
      el("p", "", `${app.name} will stop working until you give the new token to whoever runs it (BoBB: by direct message).`),
    );
    const actions = el("div", "actions");
    const cancel = el("button", "button link", "Nevermind");
    cancel.addEventListener("click", () => close(null));
    const yes = el("button", "button danger", "Yes, do it!");
    yes.addEventListener("click", async () => {
      yes.disabled = true;
      try {
        close((await postJson(`/portal/applications/${app.application_id}/reset-token`)).token);
      } catch (failure) {
        toast(failure.message, 5000);
        close(null);
      }
    });
    actions.append(cancel, yes);
    box.append(body, actions);
    return box;
  });
}

function intentsCard(app) {
  const card = el("section", "card");
  const saved = Object.fromEntries(INTENTS.map(([key]) => [key, Boolean(app[key])]));
  const draft = { ...saved };
  const switches = new Map();
  const bar = el("div", "save-bar");
  bar.hidden = true;
  const sync = () => {
    for (const [key, toggle] of switches) toggle.setAttribute("aria-checked", String(draft[key]));
    bar.hidden = INTENTS.every(([key]) => draft[key] === saved[key]);
  };
  card.append(
    el("h2", "", "Privileged Gateway Intents"),
    el(
      "p",
      "muted",
      "Some Gateway Intents require approval if your bot is verified. If your bot is not verified, you can toggle those intents below to access them.",
    ),
  );
  for (const [key, name, description] of INTENTS) {
    const row = el("div", "intent");
    const text = el("div");
    text.append(el("div", "intent-name", name.toUpperCase()), el("div", "muted", description));
    const toggle = el("button", "switch");
    toggle.type = "button";
    toggle.setAttribute("role", "switch");
    toggle.setAttribute("aria-label", name.toUpperCase());
    toggle.addEventListener("click", () => {
      draft[key] = !draft[key];
      sync();
    });
    switches.set(key, toggle);
    row.append(text, toggle);
    card.append(row);
  }
  const reset = el("button", "button link", "Reset");
  reset.addEventListener("click", () => {
    Object.assign(draft, saved);
    sync();
  });
  const save = el("button", "button save", "Save Changes");
  save.addEventListener("click", async () => {
    save.disabled = true;
    try {
      const updated = await patchJson(`/portal/applications/${app.application_id}`, draft);
      for (const [key] of INTENTS) saved[key] = Boolean(updated[key]);
      Object.assign(app, updated);
      toast("All your edits have been carefully recorded.");
    } catch (failure) {
      toast("Could not save: " + failure.message, 5000);
    } finally {
      save.disabled = false;
      sync();
    }
  });
  const actions = el("div", "save-actions");
  actions.append(reset, save);
  bar.append(el("span", "", "Careful — you have unsaved changes!"), actions);
  card.append(bar);
  sync();
  return card;
}

async function oauthSection(app) {
  const url = `${location.origin}/oauth2/authorize?client_id=${app.application_id}&scope=bot&permissions=274877975552`;
  const guilds = await getJson("/portal/guilds");
  const joined = guilds.filter((g) => g.members.some((m) => m.id === app.bot_user_id)).map((g) => g.name);
  const card = el("section", "card");
  const scopes = el("div", "scopes");
  const scope = el("label", "scope");
  const box = el("input");
  box.type = "checkbox";
  box.checked = true;
  box.disabled = true;
  scope.append(box, " bot");
  scopes.append(scope);
  const invite = el("a", "button", "Invite to BoBB Sandbox");
  invite.href = url;
  card.append(
    el("h2", "", "OAuth2 URL Generator"),
    el("p", "muted", "Generate an invite link for your application by picking the scopes it requires."),
    el("div", "label", "Scopes"),
    scopes,
  );
  card.append(el("div", "label", "Generated URL"), copyable(url), invite);
  const status = el(
    "p",
    joined.length ? "success-text" : "muted",
    joined.length ? `✓ ${app.name} is in ${joined.join(", ")}.` : `${app.name} is not in any server yet.`,
  );
  card.append(status);
  return [el("h1", "", "OAuth2"), el("p", "lead", "Use this link to add your bot to a server: open it and click Authorize."), card];
}

function field(name, value) {
  const node = el("div", "field");
  node.append(el("div", "label", name), value);
  return node;
}

function copyable(text) {
  const row = el("div", "copy-row");
  const copy = el("button", "button small secondary", "Copy");
  copy.addEventListener("click", async () => toast((await copyText(text)) ? "Copied" : "Select the text and copy it"));
  row.append(el("code", "value mono", text), copy);
  return row;
}
