// The profile card Discord shows on clicking a member or an author: avatar, names, BOT tag, About Me
// (an app's description), roles, member since and presence, with "Message" to open a DM.
import { getJson } from "./api.js";
import { avatar, botTag, colourOf, el, toast } from "./people.js";

let current = null;

/** Closes the card on screen, if any. */
export function closeProfile() {
  current?.();
  current = null;
}

function section(title, ...children) {
  const node = el("section", "profile-section");
  node.append(el("h3", "profile-heading", title), ...children);
  return node;
}

function place(card, anchor) {
  const rect = anchor.getBoundingClientRect();
  const width = card.offsetWidth;
  const height = card.offsetHeight;
  const left = rect.left - width - 12 >= 8 ? rect.left - width - 12 : Math.min(rect.right + 12, window.innerWidth - width - 8);
  card.style.left = Math.max(8, left) + "px";
  card.style.top = Math.max(8, Math.min(rect.top, window.innerHeight - height - 8)) + "px";
}

/** Opens the card of `user` next to `anchor`. `ctx`: { meId, guildId, onMessage(user) }. */
export async function openProfile(user, anchor, ctx) {
  closeProfile();
  let profile;
  try {
    const query = ctx.guildId ? `?guild_id=${encodeURIComponent(ctx.guildId)}` : "";
    profile = await getJson(`/control/users/${encodeURIComponent(user.id)}/profile${query}`);
  } catch (error) {
    toast("Could not load the profile: " + error.message);
    return;
  }
  const name = profile.global_name || profile.username;
  const card = el("div", "profile-card");
  card.setAttribute("role", "dialog");
  card.setAttribute("aria-label", name);
  card.dataset.userId = profile.id;
  const banner = el("div", "profile-banner");
  banner.style.backgroundColor = colourOf(profile.id);
  const face = avatar(profile, "large");
  face.classList.add("profile-avatar");
  face.append(el("span", "status " + (profile.online ? "online" : "offline")));
  const names = el("div", "profile-names");
  const title = el("h2", "profile-name", name);
  if (profile.bot) title.append(botTag());
  names.append(title, el("div", "profile-username", profile.username));
  const body = el("div", "profile-body");
  body.append(names);
  if (profile.bot && profile.has_commands) body.append(el("div", "profile-badge", "⌘ Supports Commands"));
  body.append(el("div", "profile-presence", profile.online ? "Online" : "Offline"));
  if (profile.about) body.append(section("About Me", el("p", "profile-about", profile.about)));
  if (profile.joined_at) body.append(section("Member Since", el("p", "profile-about", new Date(profile.joined_at).toLocaleDateString())));
  if (profile.roles.length > 0) {
    const roles = el("ul", "profile-roles");
    for (const role of profile.roles) roles.append(el("li", "profile-role", role.name));
    body.append(section(profile.roles.length === 1 ? "Role" : "Roles", roles));
  }
  if (profile.id !== ctx.meId) {
    const message = el("button", "button profile-message", "Message @" + name);
    message.type = "button";
    message.addEventListener("click", () => {
      closeProfile();
      ctx.onMessage(profile);
    });
    body.append(message);
  }
  card.append(banner, face, body);
  document.body.append(card);
  place(card, anchor);
  const onDown = (event) => {
    if (!card.contains(event.target) && !anchor.contains(event.target)) closeProfile();
  };
  const onKey = (event) => {
    if (event.key === "Escape") closeProfile();
  };
  document.addEventListener("mousedown", onDown, true);
  document.addEventListener("keydown", onKey);
  current = () => {
    card.remove();
    document.removeEventListener("mousedown", onDown, true);
    document.removeEventListener("keydown", onKey);
  };
  card.querySelector(".profile-message")?.focus();
}
