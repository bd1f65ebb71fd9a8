import type pg from "pg";

export interface Lease {
  agentId: string;
  nodeId: string;
  /** The fencing token: grows with every new holder. */
  generation: number;
  expiresAt: Date;
}

/**
 * Claims up to `n` agents nobody holds (no lease, or an expired one) for `nodeId`, for `ttlMs`.
 * Hosts claiming at once skip each other's rows (`FOR UPDATE SKIP LOCKED`) and never get the same
 * agent; an agent taken over from an expired lease gets the next generation.
 */
export async function claimLeases(db: pg.Pool | pg.PoolClient, nodeId: string, n: number, ttlMs: number): Promise<Lease[]> {
  const { rows } = await db.query<{ agent_id: string; node_id: string; generation: string; expires_at: Date }>(
    `WITH candidates AS (
       SELECT a.id FROM agents a LEFT JOIN leases l ON l.agent_id = a.id
        WHERE l.agent_id IS NULL OR l.expires_at < now()
        ORDER BY a.id LIMIT $2
        FOR UPDATE OF a SKIP LOCKED
     )
     INSERT INTO leases (agent_id, node_id, expires_at, generation)
     SELECT id, $1, now() + $3 * interval '1 millisecond', 1 FROM candidates
     ON CONFLICT (agent_id) DO UPDATE
       SET node_id = EXCLUDED.node_id, expires_at = EXCLUDED.expires_at, generation = leases.generation + 1
       WHERE leases.expires_at < now()
     RETURNING agent_id, node_id, generation::text, expires_at`,
    [nodeId, n, ttlMs],
  );
  return rows.map((r) => ({ agentId: r.agent_id, nodeId: r.node_id, generation: Number(r.generation), expiresAt: r.expires_at }));
}
