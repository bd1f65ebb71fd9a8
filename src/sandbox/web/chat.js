// The web chat: signs in as a human of the sandbox, shows the guild and DMs, and follows the
// sandbox's event stream (/control/events, with this person's ephemeral answers) for messages,
// typing, presence, members and command changes. Slash commands, buttons and modals go through
// the control routes as this person (interactions.js).
import { getJson, postJson } from "./api.js";
import { createCommandPicker, flattenCommands } from "./commands.js";
import { deleteMessage } from "./delete-message.js";
import { createComposer } from "./composer.js";
import { createInteractions } from "./interactions.js";
import { createLayout } from "./layout.js";
import { avatar, el, toast } from "./people.js";
import { closeProfile, openProfile } from "./profile.js";
import { signIn } from "./signin.js";
import { agentsIn, wireInviteButton } from "./rooms.js";
import { renderChannels, renderMembers } from "./sidebar.js";
import { createThreads } from "./threads.js";
import { createTimeline } from "./timeline.js";
import { createUploads } from "./uploads.js";
import { debounce, throttle } from "./timing.js";
import { createTyping } from "./typing.js";

const $ = (id) => document.getElementById(id);

const state = {
  me: null,
  guild: null,
  apps: [], // applications (for app names and bot avatars)
  channels: [], // text channels of the guild
  dms: [], // { channel_id, recipient }
  members: [], // { id, username, bot, online, avatar_url? }
  users: new Map(), // every user seen, for names in mentions and typing
  current: null,
  messages: new Map(), // channel id → messages oldest first (only channels opened once)
  unread: new Set(),
  complete: new Set(), // channels whose whole history is loaded (the welcome header shows)
  foreign: new Set(), // DM channels between other users, seen on the event stream
  replyTo: null,
  replyPing: true,
};

const layout = createLayout({ layout: $("layout"), menuButton: $("menu-toggle"), membersButton: $("members-toggle"), backdrop: $("backdrop") });
const appUser = (applicationId) => {
  const app = state.apps.find((a) => a.application_id === applicationId);
  return app ? { id: app.bot_user_id, username: app.bot_username || app.name, bot: true, avatar_url: app.avatar_url } : null;
};
const interactions = createInteractions({ me: () => state.me, channelId: () => state.current, list: $("messages"), appUser });
const profileCtx = () => ({ meId: state.me.id, guildId: state.guild?.id, onMessage: (user) => openDm(user) });

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
  onProfile: (user, node) => openProfile(user, node, profileCtx()),
  onClick: (message, customId, node) => interactions.click(message, customId, node),
  onDismiss: (message) => timeline.dismiss(message),
  onDelete: (message) => deleteMessage(message, state.me.id).catch((error) => toast(error.message)),
  isThread: (id) => threads.isThread(id),
  onCreateThread: (message) => threads.fromMessage(message),
  onOpenThread: (id) => select(id).catch((error) => toast(error.message)),
};

const typing = createTyping($("typing"), (id) => state.users.get(id)?.username ?? "Someone");

const timeline = createTimeline(state, renderCtx, {
  list: $("messages"),
  title: (id) => channelTitle(id),
  remember: (user) => remember(user),
  known: (id) => state.channels.some((c) => c.id === id) || threads.isThread(id) || state.dms.some((d) => d.channel_id === id),
  onUnread: () => renderSidebar(),
  onUnknown: (message) => {
    // A DM someone opened with us (e.g. a bot answering): refresh the list, then place it.
    if (message.channel_type !== 1 || state.foreign.has(message.channel_id)) return;
    loadDms()
      .then(() => {
        if (state.dms.some((d) => d.channel_id === message.channel_id)) timeline.create(message);
        else state.foreign.add(message.channel_id);
      })
      .catch(() => undefined);
  },
});

const threads = createThreads({
  state,
  select: (id) => select(id),
  onChange: () => renderSidebar(),
  onStarterChanged: (_parentId, update) => timeline.update(update),
});
const uploads = createUploads({
  button: $("upload-button"),
  input: $("upload-input"),
  zone: document.querySelector(".main"),
  tray: $("uploads"),
  textarea: $("input"),
});

const picker = createCommandPicker({
  textarea: $("input"),
  popup: $("autocomplete"),
  panel: $("command-panel"),
  load: async () => {
    if (!state.guild) return [];
    const commands = flattenCommands(await getJson(`/control/guilds/${state.guild.id}/commands`));
    const dm = state.dms.find((d) => d.channel_id === state.current);
    // In a DM only the other side's app answers (its global commands).
    return dm ? commands.filter((c) => appUser(c.applicationId)?.id === dm.recipient.id) : commands;
  },
  appOf: (applicationId) => {
    const user = appUser(applicationId) ?? { id: applicationId, username: "App" };
    return { name: user.username, user };
  },
  members: () => allUsers(),
  channels: () => state.channels,
  onRun: (entry, values) => interactions.runCommand(entry, values),
  onClose: () => undefined,
});

const inviteButton = wireInviteButton($("invite-agent"), picker, (id) => state.channels.some((c) => c.id === id));

const composer = createComposer({
  textarea: $("input"),
  popup: $("autocomplete"),
  counter: $("counter"),
  picker,
  members: () => allUsers(),
  onSend: (content) => send(content),
  onTyping: throttle(() => {
    if (state.current) postJson(`/control/channels/${state.current}/typing`, { author_id: state.me.id }).catch(() => undefined);
  }, 8_000),
  onEscape: () => setReply(null),
  hasFiles: () => uploads.has(),
});

function remember(user) {
  if (user && user.id && user.username)
    state.users.set(user.id, { id: user.id, username: user.global_name || user.username, bot: Boolean(user.bot), avatar: user.avatar ?? null });
}

/** Members plus DM partners: everyone the person can mention by name. */
function allUsers() {
  const byId = new Map(state.members.map((m) => [m.id, m]));
  for (const dm of state.dms) if (!byId.has(dm.recipient.id)) byId.set(dm.recipient.id, dm.recipient);
  return [...byId.values()];
}

async function loadGuild() {
  const [guilds, apps] = await Promise.all([getJson("/portal/guilds"), getJson("/portal/applications")]);
  state.apps = apps;
  const guild = guilds.find((g) => g.members.some((m) => m.id === state.me.id)) ?? guilds[0] ?? null;
  state.guild = guild;
  state.channels = guild ? guild.channels.filter((c) => c.type === 0) : [];
  const avatars = new Map(apps.map((a) => [a.bot_user_id, a.avatar_url]));
  state.members = guild ? guild.members.map((m) => ({ ...m, avatar_url: avatars.get(m.id) ?? null })) : [];
  for (const member of state.members) remember(member);
  $("guild-name").textContent = guild ? guild.name : "No server";
  const words = guild ? guild.name.split(/\s+/) : ["?"];
  $("guild-icon").textContent = words
    .map((w) => w[0])
    .join("")
    .slice(0, 3);
  $("guild-icon").title = guild ? guild.name : "";
  renderMemberList();
  renderSidebar();
}

function renderMemberList() {
  const agents = agentsIn(state.messages.get(state.current));
  renderMembers($("members"), { members: state.members, agents, meId: state.me.id, onOpen: (user, node) => openProfile(user, node, profileCtx()) });
}

async function loadDms() {
  state.dms = await getJson(`/control/users/${state.me.id}/dms`);
  for (const dm of state.dms) remember(dm.recipient);
  renderSidebar();
}

function renderSidebar() {
  renderChannels($("channels"), $("dms"), {
    channels: state.channels,
    threadsOf: (id) => threads.activeIn(id),
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
  const thread = threads.get(id);
  if (thread) {
    const parent = state.channels.find((c) => c.id === thread.parent_id)?.name ?? "channel";
    return { icon: "#", name: thread.name, parent, placeholder: "Message " + thread.name };
  }
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
  closeProfile();
  layout.closeDrawers();
  renderSidebar();
  const title = channelTitle(id);
  const parent = title.parent ? [el("span", "title parent", title.parent), el("span", "crumb", "›")] : [];
  $("channel-title").replaceChildren(el("span", "icon", title.icon), ...parent, el("span", "title", title.name));
  $("threads-toggle").hidden = !state.channels.some((c) => c.id === id) && !threads.isThread(id);
  $("threads-panel").hidden = true;
  composer.setPlaceholder(title.placeholder);
  typing.show(id);
  void inviteButton.refresh(id).catch(() => undefined);
  await timeline.load(id);
  if (state.current !== id) return;
  timeline.render();
  renderMemberList();
  composer.focus();
}

function setReply(message) {
  state.replyTo = message;
  $("reply-bar").hidden = !message;
  if (message) {
    $("reply-name").textContent = message.author.global_name || message.author.username;
    setReplyPing(true); // Discord pings the author of a reply unless switched off
    composer.focus();
  }
}

function setReplyPing(on) {
  state.replyPing = on;
  const button = $("reply-ping");
  button.textContent = on ? "@ ON" : "@ OFF";
  button.setAttribute("aria-pressed", String(on));
  button.title = on ? "Click to disable pinging the original author." : "Click to enable pinging the original author.";
}

async function send(content) {
  const body = { author_id: state.me.id, content };
  if (state.replyTo) {
    body.message_reference = { message_id: state.replyTo.id };
    body.allowed_mentions = { parse: ["users", "roles", "everyone"], replied_user: state.replyPing };
  }
  const { files, encoded } = await uploads.take();
  if (encoded.length > 0) body.attachments = encoded;
  try {
    await postJson(`/control/channels/${state.current}/messages`, body);
    setReply(null);
  } catch (error) {
    uploads.restore(files);
    toast("Could not send: " + error.message, 5000);
    throw error;
  }
}

function connect() {
  const events = new EventSource(`/control/events?user_id=${encodeURIComponent(state.me.id)}`);
  const on = (type, handler) => events.addEventListener(type, (event) => handler(JSON.parse(event.data)));
  on("MESSAGE_CREATE", (message) => {
    typing.stop(message.channel_id, message.author.id);
    threads.onMessage(message);
    timeline.create(message);
    if (message.channel_id === state.current && message.webhook_id) renderMemberList();
  });
  for (const type of ["THREAD_CREATE", "THREAD_UPDATE", "THREAD_DELETE"]) on(type, (thread) => threads.onEvent(type, thread));
  on("MESSAGE_UPDATE", (update) => timeline.update(update));
  on("MESSAGE_DELETE", (deleted) => timeline.remove(deleted));
  on("MESSAGE_REACTION_ADD", (event) => timeline.react(event, true));
  on("MESSAGE_REACTION_REMOVE", (event) => timeline.react(event, false));
  on("TYPING_START", (d) => {
    if (d.user_id === state.me.id) return;
    if (d.member?.user) remember(d.member.user);
    typing.start(d.channel_id, d.user_id);
  });
  const refreshGuild = debounce(() => loadGuild().catch(() => undefined), 100);
  for (const type of ["PRESENCE_UPDATE", "GUILD_MEMBER_ADD", "GUILD_MEMBER_REMOVE", "GUILD_MEMBER_UPDATE", "USER_UPDATE"]) on(type, refreshGuild);
  on("APPLICATION_COMMANDS_UPDATE", () => {
    picker.invalidate();
    if (state.current) void inviteButton.refresh(state.current).catch(() => undefined);
  });
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
    picker.invalidate();
    Promise.all([loadGuild(), loadDms()])
      .then(() => threads.load())
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
  await threads.load();
  const wanted = location.hash.slice(1);
  const start =
    [...state.channels.map((c) => c.id), ...state.dms.map((d) => d.channel_id)].includes(wanted) || threads.isThread(wanted)
      ? wanted
      : (state.channels.find((c) => c.name === "general") ?? state.channels[0])?.id;
  if (start) await select(start);
  $("reply-cancel").addEventListener("click", () => setReply(null));
  $("reply-ping").addEventListener("click", () => setReplyPing(!state.replyPing));
  $("threads-toggle").addEventListener("click", () => threads.togglePanel($("threads-panel")));
  document.body.dataset.ready = "true";
}

main().catch((error) => {
  console.error(error);
  toast("The chat could not start: " + error.message, 10_000);
});
