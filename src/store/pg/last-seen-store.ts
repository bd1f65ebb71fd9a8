import pg from "pg";
import type { Logger } from "../../log/index.js";
import type { LastSeenStore } from "../../discord/last-seen.js";
import type { FenceOf } from "./fence.js";
import { migrate } from "./migrate.js";

export interface PgLastSeenOptions {
  /** postgresql:// URL (BOBB_DATABASE_URL). */
  url: string;
  /** The fence of each agent this host runs; a position is written only while that lease holds. */
  fenceOf: FenceOf;
  logger: Logger;
  /** Pause between writes of the positions that changed (default 500 ms). */
  flushMs?: number;
}

const CHANNELS_READ = 500;

/**
 * The last-seen positions in PostgreSQL (lease mode): every host writes the positions of the bots
 * it runs, fenced by their leases, so the host that takes a bot over after a crash reads what the
 * bot missed between the two hosts, and the mentions it had not answered yet (a position stays
 * before the first of them, and may so move back). A bot's start position is read once per lease gained, before
 * any position this host records for it is written (so it is the previous holder's).
 */
export class PgLastSeenStore implements LastSeenStore {
  readonly resumeEachStart = true;
  readonly #o: PgLastSeenOptions;
  readonly #log: Logger;
  #pool: pg.Pool | undefined;
  /** agent → (channel → newest message id) not yet written. */
  readonly #dirty = new Map<string, Map<string, string>>();
  /** agent → its positions as the last holder left them, read at this host's first use in this lease. */
  readonly #starts = new Map<string, Promise<ReadonlyMap<string, string>>>();
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();
  #closed = false;
  #pending: () => ReadonlyArray<{ agent: string; channel: string; message: string }> = () => [];

  constructor(options: PgLastSeenOptions) {
    this.#o = options;
    this.#log = options.logger.child({ component: "last-seen" });
  }

  async load(): Promise<void> {
    const pool = new pg.Pool({ connectionString: this.#o.url, max: 2 });
    pool.on("error", () => undefined);
    this.#pool = pool;
    await migrate(pool);
  }

  atStart(agentId: string): Promise<ReadonlyMap<string, string>> {
    let start = this.#starts.get(agentId);
    if (!start) {
      start = this.#read(agentId).catch((err: unknown) => {
        this.#log.warn({ err, agent: agentId }, "could not read the last seen messages");
        return new Map<string, string>();
      });
      this.#starts.set(agentId, start);
    }
    return start;
  }

  /**
   * The mentions accepted and not answered yet: a position is written just before the first of them,
   * so a host taking the bot over after a crash reads them again (answered ones it skips).
   */
  holdBack(pending: () => ReadonlyArray<{ agent: string; channel: string; message: string }>): void {
    this.#pending = pending;
  }

  /** The lease was lost or given up: the next holder (maybe this host again) reads the positions anew. */
  forget(agentId: string): void {
    this.#starts.delete(agentId);
    this.#dirty.delete(agentId);
  }

  record(agentId: string, channelId: string, messageId: string): void {
    if (this.#closed) return;
    void this.atStart(agentId);
    let channels = this.#dirty.get(agentId);
    if (!channels) this.#dirty.set(agentId, (channels = new Map()));
    const known = channels.get(channelId);
    if (known !== undefined && !newer(messageId, known)) return;
    channels.set(channelId, messageId);
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      this.#flushing = this.#flushing.then(() => this.#flush());
    }, this.#o.flushMs ?? 500);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#flushing = this.#flushing.then(() => this.#flush());
    await this.#flushing;
    await this.#pool?.end().catch(() => undefined);
  }

  async #read(agentId: string): Promise<ReadonlyMap<string, string>> {
    const { rows } = await this.#pool!.query<{ channel_id: string; message_id: string }>(
      "SELECT channel_id, message_id::text FROM last_seen WHERE agent_id = $1 ORDER BY message_id DESC LIMIT $2",
      [agentId, CHANNELS_READ],
    );
    return new Map(rows.map((r) => [r.channel_id, r.message_id]));
  }

  /** One statement for every position that changed; a row counts only under the writer's unexpired lease. */
  async #flush(): Promise<void> {
    const batch = [...this.#dirty];
    this.#dirty.clear();
    const firstPending = new Map<string, bigint>();
    for (const p of this.#pending()) {
      const key = `${p.agent}\u0000${p.channel}`;
      const id = BigInt(p.message);
      const known = firstPending.get(key);
      if (known === undefined || id < known) firstPending.set(key, id);
    }
    const cols: [string[], string[], string[], string[]] = [[], [], [], []];
    let node = "";
    for (const [agentId, channels] of batch) {
      const fence = this.#o.fenceOf(agentId);
      if (!fence) continue;
      node = fence.nodeId;
      // The previous holder's positions are read before this host's own can replace them.
      await this.#starts.get(agentId);
      for (const [channelId, messageId] of channels) {
        cols[0].push(agentId);
        cols[1].push(channelId);
        const first = firstPending.get(`${agentId}\u0000${channelId}`);
        cols[2].push(first !== undefined && first <= BigInt(messageId) ? (first - 1n).toString() : messageId);
        cols[3].push(String(fence.generation));
      }
    }
    if (cols[0].length === 0 || !this.#pool) return;
    await this.#pool
      .query(
        `INSERT INTO last_seen (agent_id, channel_id, message_id)
         SELECT u.a, u.c, u.m FROM unnest($1::text[], $2::text[], $3::numeric[], $4::bigint[]) AS u(a, c, m, g)
          WHERE EXISTS (SELECT 1 FROM leases f WHERE f.agent_id = u.a AND f.node_id = $5 AND f.generation = u.g AND f.expires_at > now())
         ON CONFLICT (agent_id, channel_id) DO UPDATE SET message_id = EXCLUDED.message_id`,
        [...cols, node],
      )
      .catch((err: unknown) => this.#log.warn({ err }, "could not write the last seen messages"));
  }
}

function newer(id: string, than: string): boolean {
  return id.length !== than.length ? id.length > than.length : id > than;
}
