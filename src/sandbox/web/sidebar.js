// The two side columns: channels and Direct Messages on the left, members on the right.
import { agentTag, avatar, botTag, el } from "./people.js";

/** Renders the channel and DM lists. `view`: { channels, threadsOf(channelId), dms, current, unread: Set, onSelect(channelId) }. */
export function renderChannels(channelList, dmList, view) {
  channelList.replaceChildren(
    ...view.channels.flatMap((channel) => {
      const item = entry(channel.id, view);
      item.append(el("span", "hash", "#"), el("span", "name", channel.name));
      // Active threads hang under their channel, as in Discord's sidebar.
      const threads = (view.threadsOf?.(channel.id) ?? []).map((thread) => {
        const sub = entry(thread.id, view);
        sub.classList.add("thread");
        sub.append(el("span", "spine"), el("span", "name", thread.name));
        return sub;
      });
      return [item, ...threads];
    }),
  );
  dmList.replaceChildren(
    ...view.dms.map((dm) => {
      const item = entry(dm.channel_id, view);
      item.classList.add("dm");
      item.append(avatar(dm.recipient, "small"), el("span", "name", dm.recipient.username));
      if (dm.recipient.bot) item.append(botTag());
      return item;
    }),
  );
  if (view.dms.length === 0) dmList.append(el("li", "hint", "Click a member to message them."));
}

function entry(channelId, view) {
  const item = el("li", "channel");
  item.dataset.channelId = channelId;
  item.tabIndex = 0;
  item.setAttribute("role", "link");
  if (channelId === view.current) {
    item.classList.add("active");
    item.setAttribute("aria-current", "page");
  }
  if (view.unread.has(channelId)) item.classList.add("unread");
  item.addEventListener("click", () => view.onSelect(channelId));
  item.addEventListener("keydown", (event) => {
    if (event.key === "Enter") view.onSelect(channelId);
  });
  return item;
}

/**
 * Renders the member list grouped Online / Offline, then the outside agents seen in the channel (`view.agents`:
 * { id, username, online, lastAt }, authors of its webhook messages, "online" when they posted in the last minutes).
 * `view`: { members, agents?, meId, onOpen(user, node) } (opens the profile card).
 */
export function renderMembers(container, view) {
  const sorted = [...view.members].sort((a, b) => a.username.localeCompare(b.username));
  const online = sorted.filter((m) => m.online);
  const offline = sorted.filter((m) => !m.online);
  const groups = [];
  for (const [title, list] of [
    ["Online", online],
    ["Offline", offline],
  ]) {
    if (list.length === 0) continue;
    groups.push(el("h3", "section", `${title} — ${list.length}`));
    const ul = el("ul", "member-group");
    for (const member of list) ul.append(memberItem(member, view));
    groups.push(ul);
  }
  const agents = [...(view.agents ?? [])].sort((a, b) => a.username.localeCompare(b.username));
  if (agents.length > 0) {
    groups.push(el("h3", "section", `Agents — ${agents.length}`));
    const ul = el("ul", "member-group agents");
    for (const agent of agents) ul.append(agentItem(agent));
    groups.push(ul);
  }
  container.replaceChildren(...groups);
}

function agentItem(agent) {
  const item = el("li", "member agent " + (agent.online ? "online" : "offline"));
  item.dataset.agentName = agent.username;
  const face = avatar(agent, "small");
  face.append(el("span", "status"));
  const name = el("span", "name", agent.username);
  item.append(face, name, agentTag());
  item.title = `${agent.username}: outside agent, last posted ${new Date(agent.lastAt).toLocaleTimeString()}`;
  return item;
}

function memberItem(member, view) {
  const item = el("li", "member " + (member.online ? "online" : "offline"));
  item.dataset.userId = member.id;
  const face = avatar(member, "small");
  face.append(el("span", "status"));
  item.append(face, el("span", "name", member.username));
  if (member.bot) item.append(botTag());
  if (member.id === view.meId) item.classList.add("self");
  item.tabIndex = 0;
  item.setAttribute("role", "button");
  item.setAttribute("aria-haspopup", "dialog");
  item.addEventListener("click", () => view.onOpen(member, item));
  item.addEventListener("keydown", (event) => {
    if (event.key === "Enter") view.onOpen(member, item);
  });
  return item;
}
