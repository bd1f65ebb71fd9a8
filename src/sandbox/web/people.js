// How a user looks everywhere on the pages: initials and a stable colour per user id.

const COLOURS = ["#5865f2", "#3ba55c", "#faa61a", "#ed4245", "#eb459e", "#00a8b5", "#9b59b6", "#3498db"];

/** One or two letters for an avatar: "Chef Bot" → "CB", "you" → "Y". */
export function initials(name) {
  const words = String(name)
    .trim()
    .split(/[\s_.-]+/)
    .filter(Boolean);
  const letters = words.length > 1 ? words[0][0] + words[1][0] : (words[0] ?? "?").slice(0, 1);
  return letters.toUpperCase();
}

/** The same colour for the same user id on every page and reload. */
export function colourOf(id) {
  let hash = 0;
  for (const char of String(id)) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return COLOURS[hash % COLOURS.length];
}

/** Creates an element with a class and optional text (always as text, never as HTML). */
export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Where the sandbox's CDN serves the user's avatar, or null (only the sandbox's own /avatars/ paths). */
export function avatarSrc(user) {
  if (typeof user.avatar_url === "string" && /^\/avatars\/\d+\/\w+\.(png|webp|jpg|gif)$/.test(user.avatar_url)) return user.avatar_url;
  if (typeof user.avatar === "string" && /^\w{1,64}$/.test(user.avatar) && /^\d+$/.test(String(user.id))) return `/avatars/${user.id}/${user.avatar}.png`;
  return null;
}

/** An avatar circle: the uploaded picture when there is one, else the user's initials on their colour. */
export function avatar(user, size = "") {
  const node = el("span", "avatar" + (size ? " " + size : ""), initials(user.username ?? "?"));
  node.style.backgroundColor = colourOf(user.id);
  node.setAttribute("aria-hidden", "true");
  const src = avatarSrc(user);
  if (src) {
    const image = el("img", "avatar-image");
    image.alt = "";
    image.src = src;
    image.addEventListener("error", () => {
      image.remove();
      node.classList.remove("has-image");
    });
    node.classList.add("has-image");
    node.append(image);
  }
  return node;
}

const ICONS = {
  menu: "M3 6h18v2H3zm0 5h18v2H3zm0 5h18v2H3z",
  members:
    "M14.5 8a3 3 0 1 0-2.7-4.3c-.2.4.06.86.44 1.12a5 5 0 0 1 2.14 3.08c.01.06.06.1.12.1ZM18.44 17.27c.15.43.54.73 1 .73h1.06c.83 0 1.5-.67 1.5-1.5a7.5 7.5 0 0 0-6.5-7.43c-.55-.08-.99.38-1.1.92-.06.3-.15.6-.26.87-.23.58-.05 1.3.47 1.63a9.53 9.53 0 0 1 3.83 4.78ZM12.5 9a3 3 0 1 1-6 0 3 3 0 0 1 6 0ZM2 20.5a7.5 7.5 0 0 1 15 0c0 .83-.67 1.5-1.5 1.5a.2.2 0 0 1-.2-.16c-.2-.96-.56-1.87-.88-2.54-.1-.23-.42-.15-.42.1v2.1a.5.5 0 0 1-.5.5h-8a.5.5 0 0 1-.5-.5v-2.1c0-.25-.31-.33-.42-.1-.32.67-.67 1.58-.88 2.54a.2.2 0 0 1-.2.16A1.5 1.5 0 0 1 2 20.5Z",
  eye: "M12 5C5.65 5 2.5 10.13 2 12c.5 1.87 3.65 7 10 7s9.5-5.13 10-7c-.5-1.87-3.65-7-10-7Zm0 11a4 4 0 1 1 0-8 4 4 0 0 1 0 8Zm0-2a2 2 0 1 0 0-4 2 2 0 0 0 0 4Z",
};

/** A small SVG icon (menu, members, eye) that needs no emoji font. */
export function icon(name, size = 16) {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("width", String(size));
  svg.setAttribute("height", String(size));
  svg.setAttribute("aria-hidden", "true");
  svg.classList.add("icon-svg");
  const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
  path.setAttribute("fill", "currentColor");
  path.setAttribute("d", ICONS[name] ?? "");
  svg.append(path);
  return svg;
}

/** The blurple BOT tag shown after bot names. */
export function botTag() {
  return el("span", "bot-tag", "BOT");
}

/** The APP tag Discord shows after the name on a webhook's (an app's) message. */
export function appTag() {
  return el("span", "bot-tag", "APP");
}

/** The AGENT tag after an outside agent (the author of webhook messages) in the member list. */
export function agentTag() {
  return el("span", "bot-tag agent-tag", "AGENT");
}

/** Shows a short message at the bottom of the page. */
export function toast(text, ms = 2500) {
  const node = el("div", "toast", text);
  node.setAttribute("role", "status");
  document.body.append(node);
  setTimeout(() => node.remove(), ms);
}

/** Copies text to the clipboard, falling back to a selection copy where the Clipboard API is missing. */
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = el("textarea");
    area.value = text;
    document.body.append(area);
    area.select();
    const ok = document.execCommand("copy");
    area.remove();
    return ok;
  }
}
