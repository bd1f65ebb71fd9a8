// The web chat: signs in as a human of the sandbox, shows the guild and DMs, and follows the
// sandbox's event stream (/control/events) for messages, typing, presence and new members.
import { getJson, postJson } from "./api.js";
import { createComposer } from "./composer.js";
import { contentElement, messageElement } from "./message-view.js";
import { avatar, el, toast } from "./people.js";
import { signIn } from "./signin.js";
import { renderChannels, renderMembers } from "./sidebar.js";
import { createTyping } from "./typing.js";

const MAX_RENDERED = 200;
const $ = (id) => document.getElementById(id);

const state = {
  me: null,
  guild: null,
  channels: [], // text channels of the guild
  dms: [], // { channel_id, recipient }
  members: [], // { id, username, bot, online }
  users: new Map(), // every user seen, for names in mentions and typing
  current: null,
  messages: new Map(), // channel id → messages oldest first (only channels opened once)
  unread: new Set(),
  complete: new Set(), // channels whose whole history is loaded (the welcome header shows)
  foreign: new Set(), // DM channels between other users, seen on the event stream
  replyTo: null,
};

const renderCtx = {
  get meId() {
    return state.me?.id;
  },
  nameOf: (id) => state.users.get(id)?.username,
  channelName: (id) => state.channels.find((c) => c.id === id)?.name,
  onReply: (message) => setReply(message),
  onJump: (id) => {
    const node = document.querySelector(`.message[data-id="${CSS.escape(id)}"]`);
    node?.scrollIntoView({ block: "center", behavior: "smooth" });
    node?.classList.add("flash");
    setTimeout(() => node?.classList.remove("flash"), 1200);
  },
};

const typing = createTyping($("typing"), (id) => state.users.get(id)?.username ?? "Someone");

const composer = createComposer({
  textarea: $("input"),
  popup: $("autocomplete"),
  members: () => allUsers(),
  onSend: (content) => send(content),
  onTyping: throttle(() => {
    if (state.current) postJson(`/control/channels/${state.current}/typing`, { author_id: state.me.id }).catch(() => undefined);
  }, 8_000),
  onEscape: () => setReply(null),
});

function remember(user) {
  if (user && user.id && user.username) state.users.set(user.id, { id: user.id, username: user.global_name || user.username, bot: Boolean(user.bot) });
}

/** Members plus DM partners: everyone the person can mention by name. */
function allUsers() {
  const byId = new Map(state.members.map((m) => [m.id, m]));
  for (const dm of state.dms) if (!byId.has(dm.recipient.id)) byId.set(dm.recipient.id, dm.recipient);
  return [...byId.values()];
}

async function loadGuild() {
  const guilds = await getJson("/portal/guilds");
  const guild = guilds.find((g) => g.members.some((m) => m.id === state.me.id)) ?? guilds[0] ?? null;
  state.guild = guild;
  state.channels = guild ? guild.channels.filter((c) => c.type === 0) : [];
  state.members = guild ? guild.members : [];
  for (const member of state.members) remember(member);
  $("guild-name").textContent = guild ? guild.name : "No server";
  $("guild-icon").textContent = guild
    ? guild.name
        .split(/\s+/)
        .map((w) => w[0])
        .join("")
        .slice(0, 3)
    : "?";
  $("guild-icon").title = guild ? guild.name : "";
  renderMembers($("members"), { members: state.members, meId: state.me.id, onOpen: (user) => openDm(user) });
  renderSidebar();
}

async function loadDms() {
  state.dms = await getJson(`/control/users/${state.me.id}/dms`);
  for (const dm of state.dms) remember(dm.recipient);
  renderSidebar();
}

function renderSidebar() {
  renderChannels($("channels"), $("dms"), {
    channels: state.channels,
    dms: state.dms,
    current: state.current,
    unread: state.unread,
    onSelect: (id) => select(id),
  });
}

async function openDm(user) {
  const { channel_id } = await postJson("/control/dms", { user_id: state.me.id, recipient_id: user.id });
  if (!state.dms.some((dm) => dm.channel_id === channel_id)) await loadDms();
  await select(channel_id);
}

function channelTitle(id) {
  const channel = state.channels.find((c) => c.id === id);
  if (channel) return { icon: "#", name: channel.name, placeholder: "Message #" + channel.name };
  const dm = state.dms.find((d) => d.channel_id === id);
  const name = dm ? dm.recipient.username : "unknown";
  return { icon: "@", name, placeholder: "Message @" + name };
}

async function select(id) {
  state.current = id;
  state.unread.delete(id);
  history.replaceState(null, "", "#" + id);
  setReply(null);
  renderSidebar();
  const title = channelTitle(id);
  $("channel-header").replaceChildren(el("span", "icon", title.icon), el("span", "title", title.name));
  composer.setPlaceholder(title.placeholder);
  typing.show(id);
  if (!state.messages.has(id)) {
    const pending = [];
    state.messages.set(id, pending); // events arriving while loading land here and are merged
    const loaded = await getJson(`/control/channels/${id}/messages?limit=${MAX_RENDERED}`);
    if (loaded.length < MAX_RENDERED) state.complete.add(id);
    const ids = new Set(loaded.map((m) => m.id));
    state.messages.set(id, [...loaded, ...pending.filter((m) => !ids.has(m.id))]);
  }
  if (state.current !== id) return;
  renderMessages();
  composer.focus();
}

function renderMessages() {
  const list = $("messages");
  const all = state.messages.get(state.current) ?? [];
  const shown = all.slice(-MAX_RENDERED);
  for (const message of shown) {
    remember(message.author);
    for (const user of message.mentions ?? []) remember(user);
  }
  const title = channelTitle(state.current);
  const welcome = el("li", "welcome");
  welcome.append(
    el("div", "welcome-icon", title.icon),
    el("h2", "", title.icon === "#" ? `Welcome to #${title.name}!` : title.name),
    el(
      "p",
      "",
      title.icon === "#" ? `This is the start of the #${title.name} channel.` : `This is the beginning of your direct message history with @${title.name}.`,
    ),
  );
  list.replaceChildren(
    ...(state.complete.has(state.current) && shown.length === all.length ? [welcome] : []),
    ...shown.map((m, i) => messageElement(m, shown[i - 1], renderCtx)),
  );
  list.parentElement.scrollTop = list.parentElement.scrollHeight;
}

function onMessageCreate(message) {
  remember(message.author);
  for (const user of message.mentions ?? []) remember(user);
  typing.stop(message.channel_id, message.author.id);
  const known = state.channels.some((c) => c.id === message.channel_id) || state.dms.some((d) => d.channel_id === message.channel_id);
  if (!known) {
    // A DM someone opened with us (e.g. a bot answering): refresh the list, then place it.
    if (message.channel_type !== 1 || state.foreign.has(message.channel_id)) return;
    loadDms()
      .then(() => {
        if (state.dms.some((d) => d.channel_id === message.channel_id)) onMessageCreate(message);
        else state.foreign.add(message.channel_id);
      })
      .catch(() => undefined);
    return;
  }
  const list = state.messages.get(message.channel_id);
  if (list) {
    if (list.some((m) => m.id === message.id)) return;
    list.push(message);
  }
  if (message.channel_id !== state.current) {
    if (message.author.id !== state.me.id) state.unread.add(message.channel_id);
    renderSidebar();
    return;
  }
  if (!list) return;
  const scroller = $("messages").parentElement;
  const atBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 80;
  $("messages").append(messageElement(message, list[list.length - 2], renderCtx));
  if (atBottom || message.author.id === state.me.id) scroller.scrollTop = scroller.scrollHeight;
}

function onMessageUpdate(update) {
  const list = state.messages.get(update.channel_id);
  const index = list ? list.findIndex((m) => m.id === update.id) : -1;
  if (index < 0) return;
  const message = { ...list[index], ...update };
  list[index] = message;
  const node = document.querySelector(`.message[data-id="${CSS.escape(update.id)}"] .content`);
  node?.replaceWith(contentElement(message, renderCtx));
}

function onMessageDelete(deleted) {
  const list = state.messages.get(deleted.channel_id);
  if (list)
    state.messages.set(
      deleted.channel_id,
      list.filter((m) => m.id !== deleted.id),
    );
  document.querySelector(`.message[data-id="${CSS.escape(deleted.id)}"]`)?.remove();
}

function setReply(message) {
  state.replyTo = message;
  const bar = $("reply-bar");
  bar.hidden = !message;
  if (message) {
    $("reply-name").textContent = message.author.global_name || message.author.username;
    composer.focus();
  }
}

async function send(content) {
  const body = { author_id: state.me.id, content };
  if (state.replyTo) body.message_reference = { message_id: state.replyTo.id };
  try {
    await postJson(`/control/channels/${state.current}/messages`, body);
    setReply(null);
  } catch (error) {
    toast("Could not send: " + error.message, 5000);
    throw error;
  }
}

function connect() {
  const events = new EventSource("/control/events");
  const on = (type, handler) => events.addEventListener(type, (event) => handler(JSON.parse(event.data)));
  on("MESSAGE_CREATE", onMessageCreate);
  on("MESSAGE_UPDATE", onMessageUpdate);
  on("MESSAGE_DELETE", onMessageDelete);
  on("TYPING_START", (d) => {
    if (d.user_id === state.me.id) return;
    if (d.member?.user) remember(d.member.user);
    typing.start(d.channel_id, d.user_id);
  });
  const refreshGuild = debounce(() => loadGuild().catch(() => undefined), 100);
  on("PRESENCE_UPDATE", refreshGuild);
  on("GUILD_MEMBER_ADD", refreshGuild);
  on("GUILD_MEMBER_REMOVE", refreshGuild);
  on("CHANNEL_CREATE", (d) => {
    if (d.type === 1) loadDms().catch(() => undefined);
  });
  let lost = false;
  events.addEventListener("error", () => {
    lost = true;
    $("connection").hidden = false;
  });
  events.addEventListener("open", () => {
    $("connection").hidden = true;
    if (!lost) return;
    // Back after a restart: what happened meanwhile is only in the history.
    lost = false;
    state.messages.clear();
    state.complete.clear();
    Promise.all([loadGuild(), loadDms()])
      .then(() => state.current && select(state.current))
      .catch(() => undefined);
  });
}

async function main() {
  const config = await getJson("/control/config");
  if (config.banner) {
    $("banner").textContent = config.banner;
    $("banner").hidden = false;
  }
  state.me = await signIn(config.human);
  remember(state.me);
  $("me").replaceChildren(avatar(state.me, "small"), el("div", "me-name", state.me.username), el("div", "me-status", "Online"));
  connect();
  await Promise.all([loadGuild(), loadDms()]);
  const wanted = location.hash.slice(1);
  const start = [...state.channels.map((c) => c.id), ...state.dms.map((d) => d.channel_id)].includes(wanted)
    ? wanted
    : (state.channels.find((c) => c.name === "general") ?? state.channels[0])?.id;
  if (start) await select(start);
  $("reply-cancel").addEventListener("click", () => setReply(null));
  document.body.dataset.ready = "true";
}

function throttle(fn, ms) {
  let last = 0;
  return () => {
    if (Date.now() - last < ms) return;
    last = Date.now();
    fn();
  };
}

function debounce(fn, ms) {
  let timer = null;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(fn, ms);
  };
}

main().catch((error) => {
  console.error(error);
  toast("The chat could not start: " + error.message, 10_000);
});
