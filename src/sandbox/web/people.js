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
    image.addEventListener("error", () => image.remove());
    node.append(image);
  }
  return node;
}

/** The blurple BOT tag shown after bot names. */
export function botTag() {
  return el("span", "bot-tag", "BOT");
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
