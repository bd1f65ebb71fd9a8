import type pg from "pg";
import type { Lease } from "./leases.js";

/** The agents a host may run: BoBB, and every agent that is ready or active and has a token. */
const CANDIDATES = `SELECT id FROM agents WHERE doc->>'status' IN ('ready_to_start', 'active') AND doc->>'token' IS NOT NULL UNION SELECT 'bobb'`;

type LeaseRow = { agent_id: string; node_id: string; generation: string; expires_at: Date };
const toLease = (r: LeaseRow): Lease => ({ agentId: r.agent_id, nodeId: r.node_id, generation: Number(r.generation), expiresAt: r.expires_at });

/** Records that `nodeId` is alive (for the fair share of the others). */
export async function heartbeat(db: pg.Pool, nodeId: string, ttlMs: number): Promise<void> {
  await db.query(
    `INSERT INTO nodes (node_id, seen_at, ttl_ms) VALUES ($1, now(), $2)
     ON CONFLICT (node_id) DO UPDATE SET seen_at = now(), ttl_ms = EXCLUDED.ttl_ms`,
    [nodeId, ttlMs],
  );
}

/** Extends every unexpired lease `nodeId` holds on a runnable agent; the ones returned are still held. */
export async function renewLeases(db: pg.Pool, nodeId: string, ttlMs: number): Promise<Lease[]> {
  const { rows } = await db.query<LeaseRow>(
    `UPDATE leases SET expires_at = now() + $2 * interval '1 millisecond'
      WHERE node_id = $1 AND expires_at > now() AND agent_id IN (${CANDIDATES})
      RETURNING agent_id, node_id, generation::text, expires_at`,
    [nodeId, ttlMs],
  );
  return rows.map(toLease);
}

export interface Census {
  /** Hosts whose heartbeat is younger than their lease period (this one included). */
  liveNodes: number;
  /** Agents that want a host (BoBB included). */
  agents: number;
  /** Milliseconds until the next lease held by another host expires (undefined: none). */
  nextForeignExpiryMs: number | undefined;
}

export async function census(db: pg.Pool, nodeId: string): Promise<Census> {
  const { rows } = await db.query<{ live: string; agents: string; next_ms: number | null }>(
    `WITH candidates AS (${CANDIDATES})
     SELECT (SELECT count(*) FROM nodes WHERE seen_at > now() - ttl_ms * interval '1 millisecond')::text AS live,
            (SELECT count(*) FROM candidates)::text AS agents,
            (SELECT extract(epoch FROM min(expires_at) - now()) * 1000 FROM leases
              WHERE node_id <> $1 AND expires_at > now() AND agent_id IN (SELECT id FROM candidates))::float8 AS next_ms`,
    [nodeId],
  );
  const r = rows[0]!;
  return { liveNodes: Math.max(1, Number(r.live)), agents: Number(r.agents), nextForeignExpiryMs: r.next_ms ?? undefined };
}

/**
 * Claims up to `n` runnable agents nobody holds (never leased, released, or expired) for `nodeId`.
 * Hosts claiming at once skip each other's rows (`FOR UPDATE SKIP LOCKED`) and never get the same
 * agent; every new holder gets the next generation (the fencing token).
 */
export async function claimFree(db: pg.Pool, nodeId: string, n: number, ttlMs: number): Promise<Lease[]> {
  if (n <= 0) return [];
  // A row for every candidate first (BoBB has no agents row, so the lease row is what is locked).
  await db.query(`INSERT INTO leases (agent_id, node_id, expires_at, generation) SELECT id, '', '-infinity', 0 FROM (${CANDIDATES}) c ON CONFLICT DO NOTHING`);
  const { rows } = await db.query<LeaseRow>(
    `WITH free AS (
       SELECT l.agent_id FROM leases l
        WHERE l.expires_at < now() AND l.agent_id IN (${CANDIDATES})
        ORDER BY l.agent_id LIMIT $2
        FOR UPDATE OF l SKIP LOCKED
     )
     UPDATE leases SET node_id = $1, expires_at = now() + $3 * interval '1 millisecond', generation = leases.generation + 1
       FROM free WHERE leases.agent_id = free.agent_id AND leases.expires_at < now()
     RETURNING leases.agent_id, leases.node_id, leases.generation::text, leases.expires_at`,
    [nodeId, n, ttlMs],
  );
  return rows.map(toLease);
}

/** Gives leases up at once (their bots are stopped first); the generation stays, so the next holder's is higher. */
export async function releaseLeases(db: pg.Pool, nodeId: string, agentIds: string[]): Promise<void> {
  if (agentIds.length === 0) return;
  await db.query(`UPDATE leases SET expires_at = '-infinity' WHERE node_id = $1 AND agent_id = ANY($2)`, [nodeId, agentIds]);
}
