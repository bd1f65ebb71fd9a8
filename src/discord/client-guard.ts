import type { Client } from "discord.js";
import { CodedError } from "../errors.js";

/** The part of discord.js 14's internal WebSocketManager the guard wraps (private API, stable across v14). */
interface PacketHandling {
  handlePacket(packet?: { t?: unknown }, shard?: unknown): boolean;
}

/** A throw inside discord.js while it handled one gateway event of one client. */
export class ClientCrash extends CodedError<"CLIENT_CRASHED"> {
  constructor(
    readonly event: string,
    cause: unknown,
  ) {
    super("CLIENT_CRASHED", `discord.js could not handle a ${event} event: ${summary(cause)}`, { cause });
  }
}

/**
 * Catches a throw while discord.js handles a gateway packet of this one client, so it ends at
 * worst this client. discord.js 14 handles every dispatch in `client.ws.handlePacket`, called
 * synchronously from @discordjs/ws's `WebSocketShardEvents.Dispatch` inside the shard's async
 * message handler: a throw there (a `null` where Discord omits a field) escapes as an unhandled
 * rejection that no listener can tie to a client, and that ends a Node process. Wrapping the
 * instance's method (queued packets are replayed through it too) catches it with the client
 * known. After the first crash the client's packets are dropped: its caches may be half-updated.
 * Returns false when this discord.js has no such method (the process-wide net in main.ts remains).
 */
export function guardClient(client: Client, onCrash: (crash: ClientCrash) => void): boolean {
  const ws = client.ws as unknown as Partial<PacketHandling>;
  const original = ws.handlePacket;
  if (typeof original !== "function") return false;
  let crashed = false;
  ws.handlePacket = function guardedHandlePacket(this: unknown, packet, shard) {
    if (crashed) return true;
    try {
      return original.call(ws, packet, shard);
    } catch (err) {
      crashed = true;
      onCrash(new ClientCrash(eventName(packet?.t), err));
      return true;
    }
  };
  return true;
}

/** An event name from the server, safe to log. */
function eventName(t: unknown): string {
  return typeof t === "string" && /^[A-Z_]{1,64}$/.test(t) ? t : "unnamed";
}

/** The error's class and message on one line, never the payload. */
function summary(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return text.replace(/\s+/g, " ").slice(0, 200);
}

export interface RestartOptions {
  /** Delay before the first restart; doubled for each further crash in the window. */
  baseMs: number;
  maxMs: number;
  /** Restarts allowed within `windowMs`; one crash more and the bot is given up. */
  limit: number;
  windowMs: number;
}

export const RESTART_DEFAULTS: RestartOptions = { baseMs: 1_000, maxMs: 60_000, limit: 5, windowMs: 10 * 60_000 };

/** Restarts of crashed clients: exponential backoff, capped, and a give-up after `limit` crashes in a window. */
export class ClientRestarts {
  readonly #crashes = new Map<string, number[]>();
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #options: RestartOptions;

  constructor(
    options: Partial<RestartOptions> = {},
    private readonly now: () => number = Date.now,
  ) {
    this.#options = { ...RESTART_DEFAULTS, ...options };
  }

  /** Records a crash and schedules `restart` after the backoff; returns the delay, or null (nothing scheduled) past the limit. */
  schedule(agentId: string, restart: () => void): number | null {
    const now = this.now();
    const recent = (this.#crashes.get(agentId) ?? []).filter((t) => t > now - this.#options.windowMs);
    recent.push(now);
    this.#crashes.set(agentId, recent);
    this.cancel(agentId);
    if (recent.length > this.#options.limit) {
      this.#crashes.delete(agentId);
      return null;
    }
    const delay = Math.min(this.#options.baseMs * 2 ** (recent.length - 1), this.#options.maxMs);
    this.#timers.set(
      agentId,
      setTimeout(() => {
        this.#timers.delete(agentId);
        restart();
      }, delay),
    );
    return delay;
  }

  /** Crashes of this bot within the window. */
  count(agentId: string): number {
    return this.#crashes.get(agentId)?.length ?? 0;
  }

  /** Drops a scheduled restart (the bot is being started or stopped by someone else). */
  cancel(agentId: string): void {
    clearTimeout(this.#timers.get(agentId));
    this.#timers.delete(agentId);
  }

  /** Drops the scheduled restart and the crash history (the bot was stopped on purpose). */
  forget(agentId: string): void {
    this.cancel(agentId);
    this.#crashes.delete(agentId);
  }

  close(): void {
    for (const id of [...this.#timers.keys()]) this.cancel(id);
  }
}
