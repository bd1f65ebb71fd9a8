import { createHash } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import { DiscordAPIError, HTTPError, type Message, type MessageCreateOptions, type SendableChannels } from "discord.js";
import type { Logger } from "../log/index.js";
import { partPayload } from "./post.js";
import { KeyedQueue } from "../queue/keyed-queue.js";
import { capParts } from "./post-cap.js";
import { splitForDiscord } from "./split.js";

/** One reply (or notice) a bot owes a channel. */
export interface OutgoingPost {
  channel: SendableChannels;
  text: string;
  /** Message id answered as a Discord reply (first part only). */
  replyTo?: string | undefined;
  mentionIds?: readonly string[] | undefined;
  /** Checked before each part and before each retry: a stop word drops what is still owed. */
  stillWanted?: () => boolean;
  /**
   * What this post answers (agent and triggering message): a key already delivered is never
   * posted again, a key already waiting shares that post, and it makes Discord's nonce.
   */
  key?: string | undefined;
  /** Posts at most this many parts; a longer text is cut with "…" (the per-turn post limit). 0 posts nothing. */
  maxParts?: number | undefined;
  /** Buttons under the last part (the supervisor's, e.g. "Submit token"; never the model's). */
  components?: MessageCreateOptions["components"] | undefined;
}

/** How a post ended: posted, already answered under its key, dropped (stop word, shutdown, full), or given up after the window. */
export interface Delivery {
  status: "posted" | "duplicate" | "dropped" | "given_up";
  messages: Message[];
}

export interface OutboxOptions {
  logger: Logger;
  /** How long a post that Discord keeps refusing (5xx, network) is retried, in ms. */
  windowMs: number;
  /** First wait between attempts (default 1 s), doubled after each failure. */
  baseDelayMs?: number;
  /** Longest wait between attempts (default a twentieth of the window, between 1 and 30 s). */
  maxDelayMs?: number;
  /** Posts kept waiting across all channels; beyond it a new post is dropped (default 500). */
  maxWaiting?: number;
  now?: () => number;
}

const ANSWERED_LIMIT = 5_000;

/**
 * Posts replies in order per channel and keeps the ones Discord cannot take right now.
 *
 * discord.js's REST already retries a 5xx or a network failure `retries` times (3 by default)
 * at once, so one attempt here costs up to four requests; the outbox handles the longer outage
 * on top of that with spaced attempts (backoff) for a bounded window, instead of adding more
 * immediate retries. A later post in a channel waits behind an earlier one still being retried.
 */
export class Outbox {
  readonly #o: Required<Omit<OutboxOptions, "logger">>;
  readonly #log: Logger;
  readonly #channels = new KeyedQueue();
  readonly #waiting = new Map<string, Promise<Delivery>>();
  readonly #answered = new Set<string>();
  readonly #closing = new AbortController();
  #count = 0;

  constructor(options: OutboxOptions) {
    this.#log = options.logger.child({ component: "outbox" });
    this.#o = {
      windowMs: options.windowMs,
      baseDelayMs: options.baseDelayMs ?? 1_000,
      maxDelayMs: options.maxDelayMs ?? Math.min(30_000, Math.max(1_000, Math.round(options.windowMs / 20))),
      maxWaiting: options.maxWaiting ?? 500,
      now: options.now ?? Date.now,
    };
  }

  /** True once a post under this key was delivered. */
  answered(key: string): boolean {
    return this.#answered.has(key);
  }

  /** Queues a post behind the channel's earlier ones; resolves once it is posted or finally given up. */
  post(post: OutgoingPost): Promise<Delivery> {
    const { key } = post;
    if (key !== undefined && this.#answered.has(key)) return Promise.resolve({ status: "duplicate", messages: [] });
    const same = key === undefined ? undefined : this.#waiting.get(key);
    if (same) return same.then((d) => ({ ...d, status: d.status === "posted" ? "duplicate" : d.status }));
    if (this.#closing.signal.aborted || this.#count >= this.#o.maxWaiting) {
      this.#log.error({ channel: post.channel.id, message: post.replyTo }, "reply dropped: the outbox is closed or full");
      return Promise.resolve({ status: "dropped", messages: [] });
    }
    this.#count += 1;
    const run = this.#channels
      .run(post.channel.id, () => this.#deliver(post))
      .finally(() => {
        this.#count -= 1;
        if (key !== undefined && this.#waiting.get(key) === run) this.#waiting.delete(key);
      });
    if (key !== undefined) this.#waiting.set(key, run);
    return run;
  }

  /** Stops retrying: whatever still waits is given up (and logged). */
  async close(): Promise<void> {
    this.#closing.abort();
    await this.#channels.idle();
  }

  async #deliver(post: OutgoingPost): Promise<Delivery> {
    const parts = post.maxParts === undefined ? splitForDiscord(post.text) : capParts(splitForDiscord(post.text), post.maxParts);
    const posted: Message[] = [];
    const deadline = this.#o.now() + this.#o.windowMs;
    const log = { channel: post.channel.id, message: post.replyTo };
    let wait = this.#o.baseDelayMs;
    let failures = 0;
    while (posted.length < parts.length) {
      if (post.stillWanted && !post.stillWanted()) return { status: "dropped", messages: posted };
      const i = posted.length;
      try {
        const components = i === parts.length - 1 ? post.components : undefined;
        posted.push(
          await post.channel.send(partPayload(parts[i]!, i, { replyTo: post.replyTo, mentionIds: post.mentionIds, nonce: nonceOf(post.key, i), components })),
        );
        continue;
      } catch (err) {
        if (!isTransient(err)) throw err;
        failures += 1;
        const left = deadline - this.#o.now();
        if (this.#closing.signal.aborted || left <= 0) {
          this.#log.error(
            { ...log, err, attempts: failures },
            this.#closing.signal.aborted ? "reply given up at shutdown" : "reply given up: Discord kept failing",
          );
          return { status: "given_up", messages: posted };
        }
        this.#log.warn({ ...log, err, attempt: failures, retryInMs: Math.min(wait, left) }, "Discord could not take the reply; keeping it to retry");
        const slept = await delay(Math.min(wait, left), undefined, { signal: this.#closing.signal }).then(
          () => true,
          () => false,
        );
        if (!slept) {
          this.#log.error({ ...log, attempts: failures }, "reply given up at shutdown");
          return { status: "given_up", messages: posted };
        }
        wait = Math.min(wait * 2, this.#o.maxDelayMs);
      }
    }
    if (post.key !== undefined) this.#remember(post.key);
    if (failures > 0) this.#log.info({ ...log, attempts: failures + 1 }, "reply posted after Discord recovered");
    return { status: "posted", messages: posted };
  }

  #remember(key: string): void {
    this.#answered.add(key);
    if (this.#answered.size > ANSWERED_LIMIT) this.#answered.delete(this.#answered.values().next().value!);
  }
}

/** A failure that may pass: a 5xx after discord.js's own retries, or the network (timeout, reset, refused). */
export function isTransient(err: unknown): boolean {
  if (err instanceof HTTPError) return err.status >= 500;
  if (err instanceof DiscordAPIError) return err.status >= 500;
  if (!(err instanceof Error)) return false;
  if (err.name === "AbortError" || err.name === "TimeoutError") return true;
  const code = (err as { code?: unknown }).code ?? (err.cause as { code?: unknown } | undefined)?.code;
  return typeof code === "string" && /^(ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN|UND_ERR_)/.test(code);
}

/** The same nonce for every attempt of one part, so Discord (with enforce_nonce) keeps one message if a lost response is retried. */
function nonceOf(key: string | undefined, part: number): string | undefined {
  if (key === undefined) return undefined;
  return createHash("sha256").update(`${key}\u0000${part}`).digest("base64url").slice(0, 25);
}
