/**
 * The prompt a bot's agent receives for one Discord message, exactly in the spec's
 * "Message Context Format". Pure: the adapter gathers ids, names and history.
 *
 * Decisions:
 * - The header is `[Discord Channel <id>]` for guild channels, field for field as in
 *   the spec; the channel name is left out (it is user-controlled text and the spec's
 *   format has no place for it). A DM gets `[Discord DM <channel id>]` and otherwise the
 *   same fields, so tools (`send_message` with channel_id/reply_to) work the same way.
 * - History is the last 10 messages before this one, oldest first (as in the spec's
 *   format example), each on one line: line breaks collapsed, cut at 500 characters.
 *   Humans are shown by tag, bots by name with `[BOT]` (the spec's `Chef Bot [BOT]:`).
 *   With no history the whole block (and its blank line) is left out.
 * - Mentions are shown as names: `<@id>`/`<@!id>` → `@Name`, `<@&id>` → `@Role`,
 *   `<#id>` → `#channel`, custom emoji `<:name:id>` → `:name:`. Names come from the
 *   given maps, then from self and the authors present; unknown ids become
 *   `@unknown-user`/`@unknown-role`/`#unknown-channel`, never raw ids.
 * - Names and tags are flattened to one line so no name can forge a header line.
 * - Several messages waiting for one answer (a busy channel, issue 20): the header and the
 *   content are those of the newest one (the reply goes to it), exactly as for one message;
 *   the others sit in their own block between the history and the content, oldest first,
 *   each with its author, user id and message id, and are left out of the history. With
 *   one message the block is absent, so the spec's format is unchanged.
 * - Attachments (issue 15) follow the content in their own block, one line each: name, type,
 *   size, and what became of the file (`sent as an image`, `sent as text`, `not sent: …`).
 *   Without attachments the block is absent.
 */

import { redactCredentials } from "../log/credentials.js";

export const HISTORY_LIMIT = 10;
export const HISTORY_LINE_MAX = 500;
export const CONTENT_MAX = 4000;
/** A waiting message is a question to answer, so it gets more room than a history line. */
export const WAITING_LINE_MAX = 1000;
export const WAITING_START = "--- Other Messages Waiting For Your Answer ---";
export const WAITING_END = "--- End Waiting Messages ---";
export const ATTACHMENTS_START = "--- Attachments ---";
export const ATTACHMENTS_END = "--- End Attachments ---";
const NAME_MAX = 100;

export interface ContextUser {
  id: string;
  /** Discord tag as discord.js shows it: `name#1234`, or just the username for new-style names. */
  tag: string;
  /** Display name (for bots: the bot's name in the registry). */
  name: string;
  /** Bot account or webhook. */
  isBot: boolean;
}

export interface HistoryMessage {
  id?: string;
  author: ContextUser;
  content: string;
  /** Epoch milliseconds. */
  at: number;
}

/** A file on the message, listed by name, type and size after the content (its bytes are not in the prompt). */
export interface ContextAttachment {
  name: string;
  size: number;
  contentType?: string | null;
  /** What became of it: `sent as an image`, `sent as text`, `not sent: too large (…)`, `not sent: unsupported type`. */
  status?: string;
}

export interface MentionNames {
  users?: ReadonlyMap<string, string>;
  roles?: ReadonlyMap<string, string>;
  channels?: ReadonlyMap<string, string>;
}

export interface MessageContextInput {
  self: { id: string; name: string; tag: string };
  channel: { id: string; isDm: boolean };
  message: { id: string; content: string; author: ContextUser; attachments?: readonly ContextAttachment[] };
  /** Messages before this one, any order; only the newest 10 are shown. */
  history: readonly HistoryMessage[];
  /** Earlier messages this answer is also for (a batch); the reply goes to `message`. */
  waiting?: readonly HistoryMessage[];
  /** Epoch milliseconds, for the relative times. */
  now: number;
  names?: MentionNames;
}

/** Formats a message and its channel history as the agent's prompt (spec "Message Context Format"). */
export function formatMessageContext(input: MessageContextInput): string {
  const { self, channel, message } = input;
  const names: MentionNames = { ...input.names, users: userNames(input) };
  // Credentials (bot tokens of any server, keys) are redacted before any cut to length: a cut one no longer looks like one.
  const resolve = (text: string) => resolveMentions(redactCredentials(text), names);
  const author = message.author;
  const from = author.isBot
    ? `From: ${oneLine(author.tag)} (User ID: ${author.id}) [BOT] (Bot Name: ${oneLine(author.name)})`
    : `From: ${oneLine(author.tag)} (User ID: ${author.id})`;
  const lines = [
    channel.isDm ? `[Discord DM ${channel.id}]` : `[Discord Channel ${channel.id}]`,
    `You are: ${oneLine(self.name)} (@${oneLine(self.tag)})`,
    from,
    `Channel ID: ${channel.id}`,
    `Message ID: ${message.id} (use this as reply_to)`,
    `Is From Bot: ${author.isBot}`,
    "",
  ];
  const waiting = [...(input.waiting ?? [])].filter((w) => w.id !== message.id).sort((a, b) => a.at - b.at);
  const skip = new Set([message.id, ...waiting.flatMap((w) => (w.id === undefined ? [] : [w.id]))]);
  const recent = recentHistory(input.history, skip);
  if (recent.length > 0) {
    lines.push("--- Recent Channel History ---");
    for (const h of recent) {
      const who = h.author.isBot ? `${oneLine(h.author.name)} [BOT]` : oneLine(h.author.tag);
      const text = truncate(flatten(resolve(h.content)), HISTORY_LINE_MAX) || "(no text)";
      lines.push(`[${formatAge(input.now - h.at)}] ${who}: ${text}`);
    }
    lines.push("--- End History ---", "");
  }
  if (waiting.length > 0) {
    lines.push(WAITING_START);
    for (const w of waiting) {
      const who = w.author.isBot ? `${oneLine(w.author.name)} [BOT]` : oneLine(w.author.tag);
      const ids = `(User ID: ${w.author.id}${w.id === undefined ? "" : `, Message ID: ${w.id}`})`;
      const text = truncate(flatten(resolve(w.content)), WAITING_LINE_MAX) || "(no text)";
      lines.push(`[${formatAge(input.now - w.at)}] ${who} ${ids}: ${text}`);
    }
    lines.push(WAITING_END, "");
  }
  lines.push(truncate(resolve(message.content), CONTENT_MAX));
  const files = message.attachments ?? [];
  if (files.length > 0) {
    lines.push("", ATTACHMENTS_START);
    for (const f of files) {
      const status = f.status ? ` — ${oneLine(f.status)}` : "";
      lines.push(`- ${oneLine(f.name)} (${f.contentType ? `${oneLine(f.contentType)}, ` : ""}${formatBytes(f.size)})${status}`);
    }
    lines.push(ATTACHMENTS_END);
  }
  return lines.join("\n");
}

/** A file size as people read it: `512 bytes`, `3.4 KB`, `1.20 MB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(2)} MB`;
}

/** Relative time as the history shows it: `just now`, `42s ago`, `5m ago`, `3h ago`, `2d ago`. */
export function formatAge(ms: number): string {
  // Under 10 s (or a clock slightly ahead) reads as "just now" rather than a jittery "3s ago".
  if (!(ms >= 10_000)) return "just now";
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ago`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ago`;
  return `${Math.floor(h / 24)}d ago`;
}

/** Replaces Discord mention markup with readable names. */
export function resolveMentions(text: string, names: MentionNames): string {
  return text
    .replace(/<@!?(\d+)>/g, (_, id: string) => `@${oneLine(names.users?.get(id) ?? "unknown-user")}`)
    .replace(/<@&(\d+)>/g, (_, id: string) => `@${oneLine(names.roles?.get(id) ?? "unknown-role")}`)
    .replace(/<#(\d+)>/g, (_, id: string) => `#${oneLine(names.channels?.get(id) ?? "unknown-channel")}`)
    .replace(/<a?:(\w+):\d+>/g, ":$1:");
}

function userNames(input: MessageContextInput): Map<string, string> {
  // Authors seen first, then self, then the explicit map, so the explicit map wins.
  const users = new Map<string, string>();
  for (const h of [...input.history, ...(input.waiting ?? [])]) users.set(h.author.id, h.author.name);
  users.set(input.message.author.id, input.message.author.name);
  users.set(input.self.id, input.self.name);
  for (const [id, name] of input.names?.users ?? []) users.set(id, name);
  return users;
}

function recentHistory(history: readonly HistoryMessage[], skip: ReadonlySet<string>): HistoryMessage[] {
  return history
    .filter((h) => h.id === undefined || !skip.has(h.id))
    .map((h, i) => ({ h, i }))
    .sort((a, b) => a.h.at - b.h.at || a.i - b.i)
    .slice(-HISTORY_LIMIT)
    .map(({ h }) => h);
}

/** Collapses line breaks and control characters, so text cannot start a line of its own. */
function flatten(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\s\u0000-\u001f\u007f]+/g, " ").trim();
}

function oneLine(text: string): string {
  return truncate(flatten(text), NAME_MAX);
}

function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = max - 1;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1; // do not leave half a surrogate pair
  return `${text.slice(0, cut)}…`;
}
