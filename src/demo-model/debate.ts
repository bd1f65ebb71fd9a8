/**
 * The demo model's bot debate: when a person mentions two bots in one message, each answers
 * by tagging the other through `send_message`, and each bot answers a bot that tags it the
 * same way, so the exchange runs until the loop governor pauses it (or a person says stop).
 * A bot answers another bot like this only when a person asked for that pair to talk (a
 * human line in the history mentions both); otherwise it just replies, so one bot greeting
 * another does not start an endless exchange on its own.
 *
 * Everything is read from the spec's message context: the `You are:` and `From:` headers,
 * the `Channel ID:` and `Message ID:` lines, and mentions shown as `@Name`.
 */
import { author, DEMO_MARK, header, messageContent } from "./context.js";
import type { RequestView } from "./protocol.js";

/** BoBB builds bots; it never takes part in a debate. */
const NOT_DEBATERS = new Set(["bobb"]);

/** The history lines as `{ who, bot, text }`, oldest first. */
function historyLines(prompt: string): { who: string; bot: boolean; text: string }[] {
  const start = prompt.indexOf("--- Recent Channel History ---");
  const end = prompt.lastIndexOf("--- End History ---");
  if (start < 0 || end < start) return [];
  return prompt
    .slice(start, end)
    .split("\n")
    .flatMap((line) => {
      const m = /^\[[^\]]*\] (.+?)( \[BOT\])?: (.*)$/.exec(line);
      return m ? [{ who: m[1]!, bot: m[2] !== undefined, text: m[3]! }] : [];
    });
}

const lower = (s: string) => s.toLowerCase();

/** True when `text` holds `@name` as a whole mention (not the start of a longer name). */
function mentions(text: string, name: string): boolean {
  const at = lower(text).indexOf(`@${lower(name)}`);
  if (at < 0) return false;
  const next = text.charAt(at + name.length + 1);
  return next === "" || !/[\p{L}\p{N}_]/u.test(next);
}

/**
 * Names of the bots `@`-mentioned in a text. The context shows mentions as `@Name` and bot
 * names often have several words ("Chef Bot"), so a mention is the bot name known from the
 * history, else the shortest run of up to four words ending in "bot" ("@TrumpBot", "@Pirate Bot").
 */
export function mentionedBots(text: string, knownBots: readonly string[] = []): string[] {
  const found: string[] = [];
  const add = (name: string) => {
    if (!found.some((f) => lower(f) === lower(name))) found.push(name);
  };
  for (const m of text.matchAll(/(?:^|[^\p{L}\p{N}_])@(?=[\p{L}\p{N}])/gu)) {
    const rest = text.slice((m.index ?? 0) + m[0].length);
    const known = knownBots.filter((k) => lower(rest).startsWith(lower(k)) && mentions(`@${rest}`, k)).sort((a, b) => b.length - a.length)[0];
    if (known) {
      add(known);
      continue;
    }
    const words: string[] = [];
    for (const raw of rest.split(/\s+/).slice(0, 4)) {
      if (raw.startsWith("@")) break;
      const word = /^[\p{L}\p{N}_'-]+/u.exec(raw)?.[0];
      if (!word) break;
      words.push(word);
      if (/bot$/i.test(word)) {
        add(words.join(" "));
        break;
      }
      if (word !== raw) break; // punctuation ends the name
    }
  }
  return found;
}

/** This bot's name as the context's `You are:` line shows it. */
function selfName(prompt: string, fallback: string): string {
  return header(prompt, "You are")?.replace(/\s*\(@[^)]*\)\s*$/, "").trim() || fallback;
}

/** A send_message call for a debate turn, or undefined when this message is no debate. */
export function debateTurn(view: RequestView, self: { name: string; persona: string }): { name: string; args: Record<string, unknown> } | undefined {
  if (!view.tools.includes("send_message")) return undefined;
  const prompt = view.lastUser;
  const channelId = header(prompt, "Channel ID");
  const from = author(prompt);
  if (!channelId || !from || /^\[Discord DM /.test(prompt)) return undefined;
  const me = selfName(prompt, self.name);
  const history = historyLines(prompt);
  const knownBots = [...new Set(history.filter((h) => h.bot).map((h) => h.who))];
  const content = messageContent(prompt);
  const isDebater = (name: string) => lower(name) !== lower(me) && !NOT_DEBATERS.has(lower(name));
  let opponents: string[];
  let topic: string;
  if (from.bot) {
    // Answer a bot only in a debate a person asked for: a human line mentions both of us.
    const asked = [...history].reverse().find((h) => !h.bot && mentions(h.text, me) && mentions(h.text, from.name));
    if (!asked || !isDebater(from.name)) return undefined;
    opponents = [from.name];
    topic = topicOf(asked.text, [me, ...mentionedBots(asked.text, knownBots)]);
  } else {
    opponents = mentionedBots(content, knownBots).filter(isDebater);
    if (opponents.length === 0) return undefined;
    topic = topicOf(content, [me, ...opponents]);
  }
  const turn = history.filter((h) => h.bot && lower(h.who) === lower(me)).length;
  const line = debateLine(me, self.persona, opponents[0]!, topic, turn);
  const replyTo = /^(\d+)/.exec(header(prompt, "Message ID") ?? "")?.[1];
  return { name: "send_message", args: { channel_id: channelId, content: line, mention_bots: opponents, ...(replyTo ? { reply_to: replyTo } : {}) } };
}

/** What the person asked them to talk about, without the mentions and filler words. */
function topicOf(text: string, names: readonly string[]): string {
  let topic = text;
  for (const name of [...names].sort((a, b) => b.length - a.length)) topic = topic.split(new RegExp(`@${escape(name)}`, "gi")).join(" ");
  topic = topic
    .replace(/@\S+/g, " ")
    .replace(/^\s*(please\s+)?(debate|discuss|argue( about)?|talk about)\b[:,]?/i, "")
    .replace(/\s+/g, " ")
    .trim();
  return (topic || "this").slice(0, 80);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** What the bot is, from its persona ("Chef Bot is a chef bot that only cooks Italian." → "a chef bot that only cooks Italian"). */
function stanceOf(name: string, persona: string): string {
  const first = persona.split(/(?<=[.!?])\s/)[0]?.replace(/[.!?]+$/, "").trim() ?? "";
  const stance = first.replace(new RegExp(`^${escape(name)}\\s+(is|are)\\s+`, "i"), "").trim();
  if (!stance) return `${name}`;
  return stance.charAt(0).toLowerCase() + stance.slice(1);
}

const LINES: ((p: { me: string; stance: string; other: string; topic: string }) => string)[] = [
  ({ stance, topic }) => `Speaking as ${stance}: "${topic}" has only one right answer, and it's mine.`,
  ({ other, stance }) => `With respect, ${other}, you'd never convince ${stance} like that.`,
  ({ topic, stance }) => `Let me put "${topic}" the way ${stance} would: simple, honest, no shortcuts.`,
  ({ other }) => `Ha! Nice try, ${other}, but you're missing the point.`,
  ({ stance }) => `I'll say it again, as ${stance}: I'm not changing my mind.`,
  ({ other, topic }) => `${other}, on "${topic}" we may have to agree to disagree.`,
];

/** One in-character debate line, varied by how often this bot has already spoken. */
function debateLine(me: string, persona: string, other: string, topic: string, turn: number): string {
  const stance = stanceOf(me, persona);
  return `${LINES[turn % LINES.length]!({ me, stance, other, topic })} ${DEMO_MARK}`;
}

/** True when the last tool result is a successful send_message (so the final text must be empty). */
export function sentMessage(view: RequestView): boolean {
  const last = view.toolResults.at(-1);
  return last?.name === "send_message" && !/^Error\b/.test(last.output.trim());
}
