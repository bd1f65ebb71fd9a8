import { EventEmitter } from "node:events";
import pg from "pg";
import type { Logger } from "../../log/index.js";
import type { Fence } from "./fence.js";
import { census, claimFree, heartbeat, releaseLeases, renewLeases } from "./lease-sql.js";
import type { Lease } from "./leases.js";

/** Told to every host when leases are given up: the others claim at once instead of at their next tick. */
export const LEASES_CHANNEL = "bobb_leases";

export interface LeaseManagerOptions {
  /** postgresql:// URL (BOBB_DATABASE_URL). */
  url: string;
  nodeId: string;
  /** The lease period (BOBB_LEASE_TTL). */
  ttlMs: number;
  logger: Logger;
  /** Stops an agent's bot before its lease is given up (rebalancing, close); must not throw. */
  stop: (agentId: string) => Promise<void>;
}

export interface LeaseEvents {
  gained: [lease: Lease];
  /** The bot must stop now: another host may start it once the lease expires. */
  lost: [agentId: string, reason: string];
}

/**
 * This host's leases: claims its fair share of the agents (ceil(agents / live hosts)), renews them
 * every ttl/3, and gives them up when it closes or holds more than its share. A lease counts as held
 * only until ttl*2/3 after the last renewal that succeeded (by this host's clock, measured from
 * before the request): past that the bot is stopped, well before the lease can expire in PostgreSQL
 * and another host start it.
 */
export class LeaseManager extends EventEmitter<LeaseEvents> {
  readonly nodeId: string;
  readonly #opts: LeaseManagerOptions;
  readonly #log: Logger;
  readonly #held = new Map<string, Lease>();
  #pool: pg.Pool | undefined;
  #listener: pg.Client | undefined;
  /** Epoch ms after which no lease is held any more without a new renewal. */
  #deadline = 0;
  #deadlineTimer: NodeJS.Timeout | undefined;
  #tickTimer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #closed = false;

  constructor(options: LeaseManagerOptions) {
    super();
    this.#opts = options;
    this.nodeId = options.nodeId;
    this.#log = options.logger.child({ component: "leases", node: options.nodeId });
  }

  /** Connects, announces this host and takes its first share (the gained events fire before it returns). */
  async start(): Promise<void> {
    const third = Math.floor(this.#opts.ttlMs / 3);
    const pool = new pg.Pool({ connectionString: this.#opts.url, max: 3, query_timeout: third, connectionTimeoutMillis: third });
    pool.on("error", (err) => this.#log.warn({ err }, "idle PostgreSQL connection failed"));
    this.#pool = pool;
    const listener = new pg.Client({ connectionString: this.#opts.url });
    listener.on("error", (err) => this.#log.warn({ err }, "lost the connection that listens for released leases"));
    listener.on("notification", (n) => {
      if (n.channel === LEASES_CHANNEL && n.payload !== this.nodeId) this.poke();
    });
    await listener.connect();
    await listener.query(`LISTEN ${LEASES_CHANNEL}`);
    this.#listener = listener;
    await this.#tick();
  }

  /** True while this host holds the agent's lease and its renewal is not overdue (checked against the clock now). */
  holds(agentId: string): boolean {
    return this.#held.has(agentId) && Date.now() < this.#deadline;
  }

  /** The fencing token of this host's writes about the agent; undefined when it does not hold the lease. */
  readonly fenceOf = (agentId: string): Fence | undefined => {
    const lease = this.#held.get(agentId);
    return lease && Date.now() < this.#deadline ? { nodeId: this.nodeId, generation: lease.generation } : undefined;
  };

  /** The agents held now. */
  held(): string[] {
    return [...this.#held.keys()].filter((id) => this.holds(id));
  }

  /** Look again soon (an agent was added or became runnable, or another host released leases). */
  poke(): void {
    if (this.#closed) return;
    if (this.#running) this.#again = true;
    else this.#schedule(0);
  }

  /** A write refused by the fence (LeaseLostError): the lease is gone, whatever this host thought. */
  lose(agentId: string, reason: string): void {
    if (!this.#held.delete(agentId)) return;
    this.#log.warn({ agent: agentId, reason }, "lease lost");
    this.emit("lost", agentId, reason);
  }

  /** Stops the bots (through `stop`) and gives every lease up, so other hosts take over at once. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#tickTimer);
    clearTimeout(this.#deadlineTimer);
    await this.#running?.catch(() => undefined);
    const ids = [...this.#held.keys()];
    // Not held any more from here on, so nothing starts them again while they stop.
    this.#held.clear();
    await Promise.all(ids.map((id) => this.#opts.stop(id)));
    const pool = this.#pool;
    if (pool) {
      await releaseLeases(pool, this.nodeId, ids).catch((err: unknown) => this.#log.warn({ err }, "could not release the leases"));
      await pool.query("DELETE FROM nodes WHERE node_id = $1", [this.nodeId]).catch(() => undefined);
      await pool.query("SELECT pg_notify($1, $2)", [LEASES_CHANNEL, this.nodeId]).catch(() => undefined);
    }
    await this.#listener?.end().catch(() => undefined);
    await pool?.end().catch(() => undefined);
  }

  #schedule(ms: number): void {
    clearTimeout(this.#tickTimer);
    this.#tickTimer = setTimeout(() => void this.#tick(), Math.max(0, ms));
  }

  #tick(): Promise<void> {
    if (this.#closed || this.#running) return this.#running ?? Promise.resolve();
    const run = this.#round()
      .catch((err: unknown) => {
        this.#log.warn({ err }, `lease round failed: ${(err as Error).message}`);
        return Math.floor(this.#opts.ttlMs / 6);
      })
      .then((next) => {
        this.#running = undefined;
        if (this.#closed) return;
        const again = this.#again;
        this.#again = false;
        this.#schedule(again ? 0 : next);
      });
    this.#running = run;
    return run;
  }

  /** One round: heartbeat, renew, rebalance or claim; returns ms until the next round. */
  async #round(): Promise<number> {
    const { ttlMs, nodeId } = this.#opts;
    const db = this.#pool!;
    const sentAt = Date.now();
    await heartbeat(db, nodeId, ttlMs);
    const renewed = new Map((await renewLeases(db, nodeId, ttlMs)).map((l) => [l.agentId, l]));
    this.#renewedAt(sentAt);
    for (const [id, lease] of [...this.#held]) {
      if (renewed.get(id)?.generation !== lease.generation) this.lose(id, "the lease expired or another host holds it");
    }
    for (const [id, lease] of renewed) {
      if (!this.#held.has(id)) this.#gain(lease);
    }
    const c = await census(db, nodeId);
    const share = Math.ceil(c.agents / c.liveNodes);
    const excess = this.#held.size - share;
    if (excess > 0) await this.#release([...this.#held.keys()].filter((id) => id !== "bobb").slice(0, excess));
    else if (excess < 0) for (const lease of await claimFree(db, nodeId, -excess, ttlMs)) this.#gain(lease);
    const third = Math.floor(ttlMs / 3);
    // Wake just after another host's lease runs out, to take its bot over without waiting a whole round.
    return c.nextForeignExpiryMs === undefined ? third : Math.min(third, Math.ceil(c.nextForeignExpiryMs) + 20);
  }

  #gain(lease: Lease): void {
    this.#held.set(lease.agentId, lease);
    this.#log.info({ agent: lease.agentId, generation: lease.generation }, "lease gained");
    this.emit("gained", lease);
  }

  /** More than this host's share (another host joined): stop those bots, then give their leases up. */
  async #release(ids: string[]): Promise<void> {
    for (const id of ids) {
      this.#held.delete(id);
      this.emit("lost", id, "rebalanced to another host");
    }
    await Promise.all(ids.map((id) => this.#opts.stop(id)));
    await releaseLeases(this.#pool!, this.nodeId, ids);
    await this.#pool!.query("SELECT pg_notify($1, $2)", [LEASES_CHANNEL, this.nodeId]);
    this.#log.info({ agents: ids }, "leases released to rebalance");
  }

  #renewedAt(sentAt: number): void {
    this.#deadline = sentAt + Math.floor((this.#opts.ttlMs * 2) / 3);
    clearTimeout(this.#deadlineTimer);
    this.#deadlineTimer = setTimeout(() => this.#overdue(), this.#deadline - Date.now() + 1);
  }

  /** No renewal succeeded in ttl*2/3: every bot stops before its lease could expire. */
  #overdue(): void {
    if (Date.now() < this.#deadline || this.#held.size === 0) return;
    for (const id of [...this.#held.keys()]) this.lose(id, "no renewal succeeded within two thirds of the lease period");
  }
}
