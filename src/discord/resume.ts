import { createHash } from "node:crypto";
import type { Collection, Message } from "discord.js";
import type { Logger } from "../log/index.js";
import { containsToken } from "../log/index.js";
import type { RunningBot } from "./bot-manager.js";
import type { LastSeenStore } from "./last-seen.js";
import type { PendingMention, PendingMentionsFile } from "./pending-mentions.js";
import { postText } from "./post.js";
import { decideRoute } from "./routing.js";
import { isStopCommand } from "./stop-words.js";

/** How far back a restarted bot looks (issue 20, items 3 and 4). */
export interface ResumeSettings {
  /** Mentions older than this are not answered after a restart; the person is told once instead. */
  windowMs: number;
  /** Messages read per channel since the last one the bot saw. */
  missedLimit: number;
}

export interface ResumeDeps extends ResumeSettings {
  pending: PendingMentionsFile;
  lastSeen: LastSeenStore;
  now: () => number;
  logger: Logger;
  /** True when this process already walked the message for this bot (the live gateway delivered it). */
  walked: (message: Message) => boolean;
  /** The whole walk of a message, as a live one gets it (governor, intake, routing). */
  handle: (message: Message) => Promise<void>;
  /** A mention already accepted by the last run: straight into the inbox. */
  accept: (message: Message) => void;
}

export const RESTARTED_NOTICE = "I restarted and lost track of this message, sorry. Please ask me again if you still need an answer.";
const PAGE = 100;

/** Answers what a bot left pending at the last shutdown and the mentions it missed while down, once each. */
export async function resumeBot(bot: RunningBot, deps: ResumeDeps): Promise<void> {
  const agentId = bot.spec.agentId;
  const pending = new Map<string, PendingMention[]>();
  for (const p of deps.pending.take(agentId)) pending.set(p.channel, [...(pending.get(p.channel) ?? []), p]);
  const seen = await deps.lastSeen.atStart(agentId);
  const channels = new Set([...seen.keys(), ...pending.keys()]);
  await Promise.all(
    [...channels].map((channelId) =>
      resumeChannel(bot, channelId, seen.get(channelId), pending.get(channelId) ?? [], deps).catch((err: unknown) =>
        deps.logger.warn({ err, agent: agentId, channel: channelId }, "could not read missed messages"),
      ),
    ),
  );
}

async function resumeChannel(bot: RunningBot, channelId: string, lastSeen: string | undefined, pending: PendingMention[], deps: ResumeDeps): Promise<void> {
  const agentId = bot.spec.agentId;
  const selfId = bot.client.user.id;
  const channel = await bot.client.channels.fetch(channelId).catch(() => null);
  if (!channel?.isTextBased()) return;
  const firstPending = pending.map((p) => BigInt(p.message)).reduce<bigint | undefined>((a, b) => (a === undefined || b < a ? b : a), undefined);
  let after = lastSeen === undefined ? undefined : BigInt(lastSeen);
  if (firstPending !== undefined && (after === undefined || firstPending <= after)) after = firstPending - 1n;
  if (after === undefined) return;
  const page: Collection<string, Message> = await channel.messages.fetch({ after: after.toString(), limit: PAGE });
  const read = [...page.values()];
  const pendingIds = new Set(pending.map((p) => p.message));
  // A pending mention further back than one page: read it on its own.
  for (const p of pending) {
    if (page.has(p.message)) continue;
    const one = await channel.messages.fetch(p.message).catch(() => undefined);
    if (one) read.push(one);
  }
  read.sort((a, b) => compareIds(a.id, b.id));
  const lastStop = read.findLast((m) => !m.author.bot && m.webhookId === null && isStopCommand(m.content));
  const missed = read.filter((m) => lastSeen !== undefined && BigInt(m.id) > BigInt(lastSeen) && !pendingIds.has(m.id)).slice(0, deps.missedLimit);
  const candidates = [...read.filter((m) => pendingIds.has(m.id)), ...missed].sort((a, b) => compareIds(a.id, b.id));
  const tally = { answered: 0, notices: 0, skipped: 0 };
  for (const message of candidates) {
    if (message.author.id === selfId) continue;
    // A "stop" after the mention, an answer already given, or the live gateway got there first.
    if ((lastStop && compareIds(message.id, lastStop.id) <= 0) || answeredAlready(message, read, selfId) || deps.walked(message)) {
      tally.skipped++;
      continue;
    }
    const old = deps.now() - message.createdTimestamp > deps.windowMs;
    if (pendingIds.has(message.id)) {
      if (containsToken(message.content)) continue;
      if (old) await notify(message, tally);
      else {
        deps.accept(message);
        tally.answered++;
      }
    } else if (old) {
      if (wouldAnswer(message, selfId)) await notify(message, tally);
    } else {
      await deps.handle(message);
      tally.answered++;
    }
  }
  const newest = read.at(-1);
  if (newest) deps.lastSeen.record(agentId, channelId, newest.id);
  deps.logger.info({ agent: agentId, channel: channelId, read: read.length, pending: pending.length, ...tally }, "read missed messages");
}

/** This bot replied to the message, or pinged its author in a later message (a batch's answer). */
function answeredAlready(message: Message, read: readonly Message[], selfId: string): boolean {
  return read.some(
    (r) =>
      r.author.id === selfId &&
      compareIds(r.id, message.id) > 0 &&
      (r.reference?.messageId === message.id || new RegExp(`<@!?${message.author.id}>`).test(r.content)),
  );
}

/** A person's typed mention (or DM) this bot would answer; bots are never told about a restart. */
function wouldAnswer(message: Message, selfId: string): boolean {
  const route = decideRoute({
    selfId,
    authorId: message.author.id,
    authorIsBot: message.author.bot,
    isWebhook: message.webhookId !== null,
    isSystem: message.system,
    isDm: message.guildId === null,
    content: message.content,
    allowBotTurn: () => false,
  });
  return route.action === "answer" && !containsToken(message.content);
}

async function notify(message: Message, tally: { notices: number }): Promise<void> {
  if (!message.channel.isSendable()) return;
  // An enforced nonce per (bot, message): a request discord.js retries after a lost response, or a second
  // restart before the first notice was recorded, never posts the notice twice.
  const nonce = createHash("sha256").update(`restarted\u0000${message.client.user.id}\u0000${message.id}`).digest("base64url").slice(0, 25);
  await postText(message.channel, RESTARTED_NOTICE, { replyTo: message.id, nonce }).catch(() => undefined);
  tally.notices++;
}

function compareIds(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
