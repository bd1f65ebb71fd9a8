import pg from "pg";
import type { SessionMap, StoredSession } from "../../opencode/index.js";
import { fenceCondition, LeaseLostError, type FenceOf } from "./fence.js";
import { migrate } from "./migrate.js";

export interface PgSessionStoreOptions {
  /** postgresql:// URL (BOBB_DATABASE_URL). */
  url: string;
  /** Which servers' ids these are (BOBB_OPENCODE_MODE): each mode has its own map, as with the files. */
  scope: string;
  /** Lease mode: the fence of each agent this host runs; a write about an agent then counts only while that lease holds. */
  fenceOf?: FenceOf | undefined;
  /** Epoch milliseconds, for last-used times. */
  now?: () => number;
}

/**
 * The session map in PostgreSQL, shared by every host, so a bot taken over by another host finds
 * its conversations' session ids. Every write about an agent is one statement; with a fence it is
 * conditional on this host's lease (fenceCondition in the same statement) and a refused one throws
 * LeaseLostError with nothing changed.
 */
export class PgSessionStore implements SessionMap {
  readonly #o: PgSessionStoreOptions;
  readonly #now: () => number;
  #pool: pg.Pool | undefined;
  #opening: Promise<void> | undefined;

  constructor(options: PgSessionStoreOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
  }

  load(): Promise<void> {
    this.#opening ??= (async () => {
      const pool = new pg.Pool({ connectionString: this.#o.url, max: 4 });
      // An idle connection that fails is replaced by the pool; the next query reports a real failure.
      pool.on("error", () => undefined);
      this.#pool = pool;
      await migrate(pool);
    })();
    return this.#opening;
  }

  async get(agentId: string, conversation: string): Promise<string | undefined> {
    const db = await this.#db();
    const { rows } = await db.query<{ session_id: string }>(
      "SELECT session_id FROM opencode_sessions WHERE scope = $1 AND agent_id = $2 AND conversation = $3",
      [this.#o.scope, agentId, conversation],
    );
    return rows[0]?.session_id;
  }

  set(agentId: string, conversation: string, sessionId: string): Promise<void> {
    return this.#fenced(
      agentId,
      `INSERT INTO opencode_sessions (scope, agent_id, conversation, session_id, used_at)
       SELECT $2::text, $1::text, $3::text, $4::text, $5::bigint FROM ok
       ON CONFLICT (scope, agent_id, conversation) DO UPDATE SET session_id = EXCLUDED.session_id, used_at = EXCLUDED.used_at`,
      [this.#o.scope, conversation, sessionId, this.#now()],
    );
  }

  touch(agentId: string, conversation: string): Promise<void> {
    return this.#fenced(
      agentId,
      "UPDATE opencode_sessions SET used_at = $4 WHERE scope = $2 AND agent_id = $1 AND conversation = $3 AND EXISTS (SELECT 1 FROM ok)",
      [this.#o.scope, conversation, this.#now()],
    );
  }

  delete(agentId: string, conversation: string): Promise<void> {
    return this.#fenced(agentId, "DELETE FROM opencode_sessions WHERE scope = $2 AND agent_id = $1 AND conversation = $3 AND EXISTS (SELECT 1 FROM ok)", [
      this.#o.scope,
      conversation,
    ]);
  }

  /**
   * Not fenced: an agent's removal is a fleet-wide change (its lease goes with its registry row),
   * not a write of the host that ran it.
   */
  async takeAgent(agentId: string): Promise<string[]> {
    const db = await this.#db();
    const { rows } = await db.query<{ session_id: string }>("DELETE FROM opencode_sessions WHERE scope = $1 AND agent_id = $2 RETURNING session_id", [
      this.#o.scope,
      agentId,
    ]);
    return rows.map((r) => r.session_id);
  }

  async idleSince(time: number): Promise<StoredSession[]> {
    const db = await this.#db();
    const { rows } = await db.query<{ agent_id: string; conversation: string; session_id: string }>(
      "SELECT agent_id, conversation, session_id FROM opencode_sessions WHERE scope = $1 AND used_at <= $2 ORDER BY used_at, agent_id, conversation",
      [this.#o.scope, time],
    );
    return rows.map((r) => ({ agentId: r.agent_id, conversation: r.conversation, sessionId: r.session_id }));
  }

  /** Every write is stored when it returns: nothing to wait for. */
  async flush(): Promise<void> {}

  async close(): Promise<void> {
    await this.#opening?.catch(() => undefined);
    const pool = this.#pool;
    this.#pool = undefined;
    this.#opening = undefined;
    await pool?.end().catch(() => undefined);
  }

  async #db(): Promise<pg.Pool> {
    await this.load();
    if (!this.#pool) throw new Error("the PostgreSQL session map is closed");
    return this.#pool;
  }

  /**
   * Runs `write` (which reads `ok`, a one-row set while the write may happen) in one statement
   * with the fence check. $1 is the agent id, then `params`; the fence's node and generation follow.
   */
  async #fenced(agentId: string, write: string, params: unknown[]): Promise<void> {
    const db = await this.#db();
    const fence = this.#o.fenceOf?.(agentId);
    const n = params.length + 1;
    const condition = fence ? fenceCondition(1, n + 1, n + 2) : "true";
    const sql = `WITH ok AS (SELECT 1 WHERE ${condition}), w AS (${write} RETURNING 1) SELECT (SELECT count(*) FROM ok)::int AS held`;
    const values = fence ? [agentId, ...params, fence.nodeId, fence.generation] : [agentId, ...params];
    const { rows } = await db.query<{ held: number }>(sql, values);
    if (fence && rows[0]?.held !== 1) throw new LeaseLostError(agentId, fence);
  }
}
