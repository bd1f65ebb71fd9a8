// Renders untrusted message content into DOM nodes: code blocks, inline code, mentions,
// bold/italic, subtext and links. Everything is set with textContent; no HTML from a message is parsed.
import { el } from "./people.js";

const FENCE = /```(?:([\w#+.-]*)\n)?([\s\S]*?)```/g;
const INLINE_CODE = /`([^`\n]+)`/g;
const TOKEN =
  /<@!?(\d{15,21})>|<@&(\d{15,21})>|<#(\d{15,21})>|@(everyone|here)\b|<t:(-?\d{1,13})(?::([tTdDfFR]))?>|\*\*([^*\n]+)\*\*|\*([^*\s](?:[^*\n]*[^*\s])?)\*|(https?:\/\/[^\s<>]+[^\s<>.,;:!?)\]'"])/g;

/**
 * Builds the content of a message.
 * `ctx`: { meId, nameOf(userId) → string|undefined, channelName(channelId) → string|undefined }.
 */
export function renderContent(text, ctx) {
  const fragment = document.createDocumentFragment();
  let last = 0;
  for (const match of text.matchAll(FENCE)) {
    // Discord drops the line break that separates text from a code block.
    renderText(text.slice(last, match.index).replace(/\n$/, ""), fragment, ctx);
    const pre = el("pre", "codeblock");
    const code = el("code", "", match[2].replace(/\n$/, ""));
    if (match[1]) code.dataset.lang = match[1];
    pre.append(code);
    fragment.append(pre);
    last = match.index + match[0].length;
    if (text[last] === "\n") last += 1;
  }
  renderText(text.slice(last), fragment, ctx);
  return fragment;
}

const LINE_STYLE = /^(-#|>) (.*)$/gm;

/** Discord's line styles: "-# " is subtext, small and grey (the system's notes use it); "> " a quote. */
function renderText(text, parent, ctx) {
  let last = 0;
  for (const match of text.matchAll(LINE_STYLE)) {
    renderInline(text.slice(last, match.index), parent, ctx);
    const small = el(match[1] === ">" ? "blockquote" : "span", match[1] === ">" ? "quote" : "subtext");
    renderInline(match[2], small, ctx);
    parent.append(small);
    last = match.index + match[0].length;
  }
  renderInline(text.slice(last), parent, ctx);
}

function renderInline(text, parent, ctx) {
  let last = 0;
  for (const match of text.matchAll(INLINE_CODE)) {
    renderTokens(text.slice(last, match.index), parent, ctx);
    parent.append(el("code", "inline", match[1]));
    last = match.index + match[0].length;
  }
  renderTokens(text.slice(last), parent, ctx);
}

function renderTokens(text, parent, ctx) {
  let last = 0;
  for (const match of text.matchAll(TOKEN)) {
    if (match.index > last) parent.append(text.slice(last, match.index));
    parent.append(tokenNode(match, ctx));
    last = match.index + match[0].length;
  }
  if (last < text.length) parent.append(text.slice(last));
}

function tokenNode(match, ctx) {
  const [, userId, roleId, channelId, everyone, seconds, style, bold, italic, url] = match;
  if (userId) {
    const node = el("span", "mention" + (userId === ctx.meId ? " to-me" : ""), "@" + (ctx.nameOf(userId) ?? "unknown-user"));
    node.dataset.userId = userId;
    return node;
  }
  if (roleId) return el("span", "mention", "@role");
  if (channelId) return el("span", "mention", "#" + (ctx.channelName(channelId) ?? "unknown"));
  if (everyone) return el("span", "mention to-me", "@" + everyone);
  if (seconds) return timestampNode(Number(seconds), style ?? "f");
  if (bold) return el("strong", "", bold);
  if (italic) return el("em", "", italic);
  const link = el("a", "", url);
  link.href = url; // the pattern admits only http(s) URLs
  link.target = "_blank";
  link.rel = "noopener noreferrer";
  return link;
}

/** One line of plain text for a reply's quote: mentions as names, code fences dropped, shortened. */
export function summarize(text, ctx, max = 100) {
  const plain = text
    .replace(/```[\w#+.-]*\n?/g, "")
    .replace(/<@!?(\d{15,21})>/g, (_all, id) => "@" + (ctx.nameOf(id) ?? "unknown-user"))
    .replace(/\s+/g, " ")
    .trim();
  return plain.length > max ? plain.slice(0, max - 1) + "…" : plain || "(no text)";
}

/** Discord's `<t:seconds:style>`: a date in the reader's time zone ("in 3 days" for R). */
function timestampNode(seconds, style) {
  const date = new Date(seconds * 1000);
  const node = el(
    "time",
    "timestamp-mention",
    style === "R" ? relative(date) : style === "t" || style === "T" ? date.toLocaleTimeString() : date.toLocaleString(),
  );
  node.dateTime = date.toISOString();
  node.title = date.toLocaleString();
  return node;
}

function relative(date) {
  const ms = date.getTime() - Date.now();
  const units = [
    ["day", 86_400_000],
    ["hour", 3_600_000],
    ["minute", 60_000],
    ["second", 1000],
  ];
  const [unit, size] = units.find(([, size]) => Math.abs(ms) >= size) ?? units[3];
  return new Intl.RelativeTimeFormat(undefined, { numeric: "auto" }).format(Math.round(ms / size), unit);
}
