/**
 * The demo model's bot debate. A person mentions two bots in one message: the first one
 * opens by tagging the other through `send_message`, and each bot answers a bot that tags it
 * the same way, so the exchange runs until the loop governor pauses it (or a person says
 * stop). A bot answers another bot like this only in a debate a person asked for (a human
 * line in the history mentions both); otherwise it just replies, so one bot greeting another
 * does not start an endless exchange on its own.
 *
 * Everything is read from the spec's message context: the `You are:` and `From:` headers,
 * the `Channel ID:` and `Message ID:` lines, and mentions shown as `@Name`.
 */
import { author, DEMO_MARK, escapeRegExp, header, messageContent } from "./context.js";
import type { RequestView } from "./protocol.js";
import { inCharacter } from "./voice.js";

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
  return (
    header(prompt, "You are")
      ?.replace(/\s*\(@[^)]*\)\s*$/, "")
      .trim() || fallback
  );
}

/** A demo debate step: a send_message call that tags the other bot, or a plain line (no tag). */
export type DebateStep = { kind: "tag"; call: { name: "send_message"; args: Record<string, unknown> } } | { kind: "plain"; text: string };

/**
 * This bot's step in a debate, or undefined when the message is no debate. A person mentioning
 * several bots gets one exchange, not one per bot: the first bot they mention opens it by
 * tagging the others, the others only say they are ready (they answer when tagged). So the
 * bots talk in turn, the loop governor's cap bounds the whole exchange, and its notice is the
 * last word.
 */
export function debateTurn(view: RequestView, self: { name: string; persona: string }): DebateStep | undefined {
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
  const stance = stanceOf(me, self.persona);
  if (from.bot) {
    // Answer a bot only in a debate a person asked for: a human line mentions both of us.
    const asked = [...history].reverse().find((h) => !h.bot && mentions(h.text, me) && mentions(h.text, from.name));
    if (!asked || !isDebater(from.name)) return undefined;
    const topic = topicOf(asked.text, [me, ...mentionedBots(asked.text, knownBots)]);
    const said = history.filter((h) => h.bot && lower(h.who) === lower(me)).map((h) => h.text);
    const line = `${debateLine({ stance, topic }, said)} ${inCharacter(self.persona, `${topic}\u0000${said.length}`, me, 1)} ${DEMO_MARK}`;
    // No reply_to between bots: the tag already says whom it answers, and a quote on every line buries the debate.
    return { kind: "tag", call: { name: "send_message", args: { channel_id: channelId, content: line, mention_bots: [from.name] } } };
  }
  const named = mentionedBots(content, knownBots).filter((n) => lower(n) === lower(me) || isDebater(n));
  const others = named.filter(isDebater);
  if (others.length === 0) return undefined;
  const topic = topicOf(content, [me, ...others]);
  const opener = named[0]!;
  if (lower(opener) !== lower(me)) return { kind: "plain", text: `Bring it on, ${opener}! Speaking as ${stance}, I'm ready to argue "${topic}". ${DEMO_MARK}` };
  const replyTo = messageId(prompt);
  const line = `${openingLine({ stance, topic })} ${inCharacter(self.persona, topic, me, 1)} ${DEMO_MARK}`;
  return {
    kind: "tag",
    call: { name: "send_message", args: { channel_id: channelId, content: line, mention_bots: others, ...(replyTo ? { reply_to: replyTo } : {}) } },
  };
}

function messageId(prompt: string): string | undefined {
  return /^(\d+)/.exec(header(prompt, "Message ID") ?? "")?.[1];
}

/** What the person asked them to talk about, without the mentions and filler words. */
function topicOf(text: string, names: readonly string[]): string {
  let topic = text;
  for (const name of [...names].sort((a, b) => b.length - a.length)) topic = topic.split(new RegExp(`@${escapeRegExp(name)}`, "gi")).join(" ");
  topic = topic
    .replace(/@\S+/g, " ")
    .replace(/^\s*(please\s+)?(debate|discuss|argue( about)?|talk about)\b[:,]?/i, "")
    .replace(/\s+/g, " ")
    .trim();
  return (topic || "this").slice(0, 80);
}

/** What the bot is, from its persona ("Chef Bot is a chef bot that only cooks Italian." → "a chef bot that only cooks Italian"). */
function stanceOf(name: string, persona: string): string {
  const first =
    persona
      .split(/(?<=[.!?])\s/)[0]
      ?.replace(/[.!?]+$/, "")
      .trim() ?? "";
  const stance = first.replace(new RegExp(`^${escapeRegExp(name)}\\s+(is|are)\\s+`, "i"), "").trim();
  if (!stance) return `${name}`;
  return stance.charAt(0).toLowerCase() + stance.slice(1);
}

interface LineInput {
  stance: string;
  topic: string;
}

function openingLine({ stance, topic }: LineInput): string {
  return `Speaking as ${stance}: "${topic}" has only one right answer, and it's mine.`;
}

// The tag in front already names the other bot, so the lines do not name it again.
const LINES: ((p: LineInput) => string)[] = [
  ({ stance }) => `With respect, you'd never convince ${stance} like that.`,
  ({ topic, stance }) => `Let me put "${topic}" the way ${stance} would: simple, honest, no shortcuts.`,
  () => `Ha! Nice try, but you're missing the point.`,
  ({ stance }) => `I'll say it again, as ${stance}: I'm not changing my mind.`,
  ({ topic }) => `On "${topic}" we may have to agree to disagree.`,
  ({ stance }) => `Fine words, but ${stance} has heard them all before.`,
];

/** An in-character answer to the other bot, one this bot has not said in the recent history. */
function debateLine(input: LineInput, alreadySaid: readonly string[]): string {
  // Each bot starts at its own place in the list, so two bots do not echo each other's lines.
  let seed = 0;
  for (const char of input.stance) seed = (seed * 31 + char.charCodeAt(0)) >>> 0;
  const start = (alreadySaid.length + seed) % LINES.length;
  for (let k = 0; k < LINES.length; k++) {
    const line = LINES[(start + k) % LINES.length]!(input);
    if (!alreadySaid.some((text) => text.includes(line))) return line;
  }
  return LINES[start]!(input);
}

/** True when the last tool result is a successful send_message (so the final text must be empty). */
export function sentMessage(view: RequestView): boolean {
  const last = view.toolResults.at(-1);
  return last?.name === "send_message" && !/^Error\b/.test(last.output.trim());
}
