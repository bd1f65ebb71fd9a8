/**
 * The loop governor: keeps bot-to-bot exchanges in a channel from running away. A pure
 * state machine with an injected clock; the adapter feeds it every message (`observe`,
 * before routing that message) and asks it before a bot answers another bot or a
 * webhook (`allowBotTurn`). Humans are never asked about: a human who mentions a bot is
 * always answered.
 *
 * Semantics, per channel:
 * - A bot turn is refused once `botTurnCap` bot-authored messages have been posted since
 *   the last human message, or once the two bots (unordered pair) have been granted
 *   `pairBudget` turns in the last `pairWindowMs`. The first refusal trips the channel.
 * - Tripped: every bot-to-bot turn in the channel is refused, and the first refusal
 *   carries a one-line notice (one per trip). The trip ends when a human mentions a bot
 *   (they asked for it: at once, whatever the cooldown), or when a human has spoken and
 *   `cooldownMs` has passed since the trip. So humans chatting about a runaway debate
 *   ("lol") do not restart it straight away, and no human ever waits for the cooldown.
 * - Several hosts (each bot's turns granted by its own host's governor): a turn counts toward the
 *   pair budget when it is granted here or when its answer is seen (a bot message replying to the
 *   other bot's message), whichever count is higher. Every host sees the same messages, so a pair
 *   split over two hosts has one budget for the channel, not one per host; only turns granted on
 *   the other host and not posted yet (at most one per bot, normally) are not counted.
 * - Every human message resets the consecutive-bot count. The pair budget is not reset by
 *   humans: it is the bound that holds even when humans keep the channel busy.
 * - Stop words: `observe` of a stop command closes the channel to bot-to-bot turns until
 *   a human next mentions a bot; no notice (the human asked for quiet).
 * - The cap counts posted messages, so one bot message that mentions several bots may
 *   overshoot it by the extra mentions; a reply split into several parts counts each part.
 * - Across channels: a pair is also granted at most `globalPairBudget` turns in the last
 *   `pairWindowMs` over all channels together, so a pair hopping between 50 channels does
 *   not get 50 pair budgets. A refusal trips the channel it happened in, as above.
 * - At most `maxChannels` channels are remembered (the least recently seen is forgotten
 *   first); a channel silent for `idleMs` (default 1 hour, never less than the window or the
 *   cooldown) is forgotten: nothing can still be in flight by then.
 *
 * Defaults, and why:
 * - botTurnCap 8: four turns each is a full exchange for people to read, and a runaway
 *   pair stops after 8 messages (well under a minute of model time on a fast model).
 * - pairBudget 12 per 10 minutes: a human can restart a debate once after the cap, but a
 *   pair cannot be kept going indefinitely by humans chatting in between; it also bounds
 *   the model calls one pair can cost (about 1 a minute).
 * - globalPairBudget 2 × pairBudget: a pair may debate in two channels at once, not fifty.
 * - cooldownMs 60 s: long enough that reactions to a tripped exchange do not restart it,
 *   short enough that it never feels stuck; a human mention skips it anyway.
 */

export interface GovernorOptions {
  botTurnCap?: number;
  pairBudget?: number;
  /** Turns one pair may take in `pairWindowMs` over all channels together (default 2 × pairBudget). */
  globalPairBudget?: number;
  pairWindowMs?: number;
  cooldownMs?: number;
  idleMs?: number;
  /** Channels remembered at most (default 10,000). */
  maxChannels?: number;
  /** Epoch milliseconds; injected so tests control time. */
  now?: () => number;
}

export interface ObservedMessage {
  channelId: string;
  authorId: string;
  /** Bot account or webhook. */
  isBot: boolean;
  /** Bots (registry users) mentioned in the content with a typed mention. */
  mentionedBotIds: readonly string[];
  /** When it was posted; defaults to `now()`. Use the governor's clock. */
  at?: number;
  /** A human stop command ("stop", "enough", "quiet"): closes the channel, as `close` does. */
  isStopCommand?: boolean;
  /** The message's id, so a later reply to it is known as an answer to its author. */
  messageId?: string;
  /** The message this one replies to (Discord's reference), if any. */
  replyToId?: string;
}

export interface BotTurn {
  channelId: string;
  fromBotId: string;
  toBotId: string;
}

export type RefusalReason = "self" | "closed" | "bot-turn-cap" | "pair-budget" | "pair-budget-global";

export type BotTurnVerdict = { allowed: true } | { allowed: false; reason: RefusalReason; notice?: string };

export const GOVERNOR_DEFAULTS = { botTurnCap: 8, pairBudget: 12, pairWindowMs: 10 * 60_000, cooldownMs: 60_000 } as const;
const DEFAULT_IDLE_MS = 60 * 60_000;
const DEFAULT_MAX_CHANNELS = 10_000;

interface Trip {
  reason: "bot-turn-cap" | "pair-budget" | "pair-budget-global";
  since: number;
  humanSpoke: boolean;
}

interface ChannelState {
  botStreak: number;
  trip: Trip | undefined;
  closed: boolean;
  /** Unordered bot pair → times of the turns granted to it, oldest first. */
  pairs: Map<string, number[]>;
  /** Unordered bot pair → times its answers were seen (a bot's reply to the other's message), oldest first. */
  answers: Map<string, number[]>;
  /** The latest bot messages here: id → author, for knowing whom a reply answers. */
  botMessages: Map<string, string>;
  /** Bot → who mentioned it last here: a bot that tags the bot that last tagged it is answering it. */
  lastMentioner: Map<string, string>;
  lastSeen: number;
}

/** Per-channel limits on bot-to-bot exchanges: consecutive cap, pair budget, cooldown and stop words. */
export class ChannelGovernor {
  readonly botTurnCap: number;
  readonly pairBudget: number;
  readonly globalPairBudget: number;
  readonly pairWindowMs: number;
  readonly cooldownMs: number;
  readonly idleMs: number;
  readonly maxChannels: number;
  private readonly now: () => number;
  /** In least-recently-seen order: a channel seen again moves to the end. */
  private readonly channels = new Map<string, ChannelState>();
  /** Unordered bot pair → times of the turns granted to it in any channel, oldest first. */
  private readonly globalPairs = new Map<string, number[]>();
  /** Unordered bot pair → times its answers were seen in any channel, oldest first. */
  private readonly globalAnswers = new Map<string, number[]>();
  private lastSweep = Number.NEGATIVE_INFINITY;

  constructor(options: GovernorOptions = {}) {
    this.botTurnCap = whole("botTurnCap", options.botTurnCap ?? GOVERNOR_DEFAULTS.botTurnCap, 1);
    this.pairBudget = whole("pairBudget", options.pairBudget ?? GOVERNOR_DEFAULTS.pairBudget, 1);
    this.globalPairBudget = whole("globalPairBudget", options.globalPairBudget ?? 2 * this.pairBudget, 1);
    this.maxChannels = whole("maxChannels", options.maxChannels ?? DEFAULT_MAX_CHANNELS, 1);
    this.pairWindowMs = whole("pairWindowMs", options.pairWindowMs ?? GOVERNOR_DEFAULTS.pairWindowMs, 1);
    this.cooldownMs = whole("cooldownMs", options.cooldownMs ?? GOVERNOR_DEFAULTS.cooldownMs, 0);
    const floor = Math.max(this.pairWindowMs, this.cooldownMs);
    this.idleMs = whole("idleMs", options.idleMs ?? Math.max(DEFAULT_IDLE_MS, floor), floor);
    this.now = options.now ?? Date.now;
  }

  /** Records a message posted in a channel (every message, humans' and bots', before routing it); a human stop command closes the channel. */
  observe(message: ObservedMessage): void {
    const at = message.at ?? this.now();
    this.sweep(at);
    const ch = this.channel(message.channelId, at);
    if (message.isBot) {
      ch.botStreak += 1;
      this.noteAnswer(ch, message, at);
      this.noteMentions(ch, message);
      return;
    }
    this.noteMentions(ch, message);
    ch.botStreak = 0;
    if (message.isStopCommand === true) {
      ch.closed = true;
      ch.trip = undefined;
    } else if (message.mentionedBotIds.length > 0) {
      ch.closed = false;
      ch.trip = undefined;
    } else if (ch.trip !== undefined) {
      ch.trip.humanSpoke = true;
    }
  }

  /** Whether bot `fromBotId`'s message may be answered by bot `toBotId`; a granted turn uses the pair's budget. */
  allowBotTurn(turn: BotTurn): BotTurnVerdict {
    if (turn.fromBotId === turn.toBotId) return { allowed: false, reason: "self" };
    const now = this.now();
    this.sweep(now);
    const ch = this.channel(turn.channelId, now);
    if (ch.closed) return { allowed: false, reason: "closed" };
    if (ch.trip !== undefined && ch.trip.humanSpoke && now >= ch.trip.since + this.cooldownMs) ch.trip = undefined;
    if (ch.trip !== undefined) return { allowed: false, reason: ch.trip.reason };
    if (ch.botStreak >= this.botTurnCap) return this.trip(ch, "bot-turn-cap", now);
    const key = pairKey(turn.fromBotId, turn.toBotId);
    const granted = this.recentTurns(ch.pairs, key, now);
    if (Math.max(granted.length, this.recentTurns(ch.answers, key, now).length) >= this.pairBudget) return this.trip(ch, "pair-budget", now);
    const everywhere = this.recentTurns(this.globalPairs, key, now);
    if (Math.max(everywhere.length, this.recentTurns(this.globalAnswers, key, now).length) >= this.globalPairBudget)
      return this.trip(ch, "pair-budget-global", now);
    granted.push(now);
    ch.pairs.set(key, granted);
    everywhere.push(now);
    this.globalPairs.set(key, everywhere);
    return { allowed: true };
  }

  /** How many channels the governor currently remembers (for tests and metrics). */
  get channelCount(): number {
    return this.channels.size;
  }

  /**
   * A bot's message answering another bot is a turn of that pair, whichever host granted it: a
   * reply to that bot's message, or a tag of the bot that last tagged this one.
   */
  private noteAnswer(ch: ChannelState, message: ObservedMessage, at: number): void {
    const author = message.authorId;
    const to = new Set<string>();
    const repliedTo = message.replyToId === undefined ? undefined : ch.botMessages.get(message.replyToId);
    if (repliedTo !== undefined) to.add(repliedTo);
    const tagger = ch.lastMentioner.get(author);
    if (tagger !== undefined && message.mentionedBotIds.includes(tagger)) to.add(tagger);
    if (message.messageId !== undefined) remember(ch.botMessages, message.messageId, author);
    to.delete(author);
    for (const other of to) {
      const key = pairKey(author, other);
      ch.answers.set(key, keepNewest([...(ch.answers.get(key) ?? []), at], this.pairBudget));
      this.globalAnswers.set(key, keepNewest([...(this.globalAnswers.get(key) ?? []), at], this.globalPairBudget));
    }
  }

  private noteMentions(ch: ChannelState, message: ObservedMessage): void {
    for (const id of message.mentionedBotIds) if (id !== message.authorId) remember(ch.lastMentioner, id, message.authorId);
  }

  private trip(ch: ChannelState, reason: Trip["reason"], now: number): BotTurnVerdict {
    ch.trip = { reason, since: now, humanSpoke: false };
    const notice =
      reason === "bot-turn-cap"
        ? `Bot-to-bot exchange paused in this channel after ${this.botTurnCap} bot messages; a human can mention a bot to continue.`
        : reason === "pair-budget-global"
          ? `Bot-to-bot exchange paused in this channel: these two bots have had ${this.globalPairBudget} turns across all channels in ${duration(this.pairWindowMs)}. They still answer people.`
          : `Bot-to-bot exchange paused in this channel: these two bots have had ${this.pairBudget} turns in ${duration(this.pairWindowMs)}. They still answer people.`;
    return { allowed: false, reason, notice };
  }

  private channel(channelId: string, at: number): ChannelState {
    let ch = this.channels.get(channelId);
    if (ch === undefined) {
      ch = {
        botStreak: 0,
        trip: undefined,
        closed: false,
        pairs: new Map(),
        answers: new Map(),
        botMessages: new Map(),
        lastMentioner: new Map(),
        lastSeen: at,
      };
    } else {
      this.channels.delete(channelId);
    }
    this.channels.set(channelId, ch);
    if (this.channels.size > this.maxChannels) this.channels.delete(this.channels.keys().next().value!);
    ch.lastSeen = Math.max(ch.lastSeen, at);
    return ch;
  }

  private recentTurns(pairs: Map<string, number[]>, key: string, now: number): number[] {
    const times = pairs.get(key) ?? [];
    const first = times.findIndex((t) => t > now - this.pairWindowMs);
    return first === -1 ? [] : first === 0 ? times : times.slice(first);
  }

  /** Forgets idle channels and expired pair records; at most once a minute (or per idle period, if shorter). */
  private sweep(now: number): void {
    if (now - this.lastSweep < Math.min(60_000, this.idleMs)) return;
    this.lastSweep = now;
    for (const [id, ch] of this.channels) {
      if (now - ch.lastSeen >= this.idleMs) {
        this.channels.delete(id);
        continue;
      }
      this.pruneExpired(ch.pairs, now);
      this.pruneExpired(ch.answers, now);
    }
    this.pruneExpired(this.globalPairs, now);
    this.pruneExpired(this.globalAnswers, now);
  }

  private pruneExpired(pairs: Map<string, number[]>, now: number): void {
    for (const [key, times] of pairs) {
      const last = times[times.length - 1];
      if (last === undefined || last <= now - this.pairWindowMs) pairs.delete(key);
    }
  }
}

/** Enough to know the last bot messages of a debate (answers come soon after). */
const BOT_MESSAGES_KEPT = 200;

/** Sets a key as the newest entry of a bounded map. */
function remember(map: Map<string, string>, key: string, value: string): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > BOT_MESSAGES_KEPT) map.delete(map.keys().next().value!);
}

/** Times sorted oldest first; only the newest `n` matter for a budget of `n`. */
function keepNewest(times: number[], n: number): number[] {
  times.sort((x, y) => x - y);
  return times.length > n ? times.slice(times.length - n) : times;
}

function pairKey(a: string, b: string): string {
  return a < b ? `${a}:${b}` : `${b}:${a}`;
}

function whole(name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) throw new RangeError(`governor option ${name} must be a whole number of at least ${min}, got ${value}`);
  return value;
}

function duration(ms: number): string {
  if (ms % 3_600_000 === 0) return ms === 3_600_000 ? "1 hour" : `${ms / 3_600_000} hours`;
  if (ms % 60_000 === 0) return ms === 60_000 ? "1 minute" : `${ms / 60_000} minutes`;
  return `${Math.round(ms / 1000)} seconds`;
}
