// The lease manager against a real PostgreSQL: hosts split the fleet by fair share, a closing host
// hands its bots over at once, a lease taken by another generation and a renewal that cannot get
// through both end in `lost` (the latter before the lease could expire in the database).
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { LeaseManager } from "../../src/store/pg/lease-manager.js";
import { migrate } from "../../src/store/pg/migrate.js";
import { captureLogs } from "../helpers/logs.js";
import { postgresOrSkip } from "../helpers/postgres.js";
import { waitFor } from "../helpers/wait.js";

const { pg: server, skip } = await postgresOrSkip();
if (skip) console.warn(skip);
const managers: LeaseManager[] = [];
afterAll(async () => {
  await Promise.all(managers.map((m) => m.close()));
  await server?.stop();
});

async function database(name: string, agents: number): Promise<{ url: string; pool: pg.Pool }> {
  const url = await server!.createDatabase(name);
  const pool = new pg.Pool({ connectionString: url, max: 3 });
  await migrate(pool);
  for (let i = 0; i < agents; i++) {
    await pool.query("INSERT INTO agents (id, doc, version) VALUES ($1, $2, 1)", [`bot-${i}`, { status: "active", token: `t${i}` }]);
  }
  return { url, pool };
}

function manager(url: string, nodeId: string, ttlMs: number): { m: LeaseManager; lost: string[]; stopped: string[] } {
  const lost: string[] = [];
  const stopped: string[] = [];
  const m = new LeaseManager({ url, nodeId, ttlMs, logger: captureLogs().logger, stop: async (id) => void stopped.push(id) });
  m.on("lost", (id) => lost.push(id));
  managers.push(m);
  return { m, lost, stopped };
}

describe.skipIf(!server)("LeaseManager", () => {
  it("two hosts split BoBB and the agents by fair share; a host that closes hands its bots over", async () => {
    const { url, pool } = await database("split", 7);
    try {
      const a = manager(url, "a", 3000);
      await a.m.start();
      const b = manager(url, "b", 3000);
      await b.m.start();
      // 8 agents (BoBB included) over 2 live hosts: 4 each, never the same agent on both.
      await waitFor(() => a.m.held().length === 4 && b.m.held().length === 4, 10_000, "4 leases each");
      expect(new Set([...a.m.held(), ...b.m.held()]).size).toBe(8);
      expect(a.stopped.length).toBe(4); // a gave up its excess (it had all 8 alone), stopping each bot first
      const fence = b.m.fenceOf(b.m.held()[0]!);
      expect(fence?.nodeId).toBe("b");
      expect(a.m.fenceOf(b.m.held()[0]!)).toBeUndefined();

      await a.m.close();
      await waitFor(() => b.m.held().length === 8, 2_000, "b to take a's agents over after a closed");
    } finally {
      await pool.end();
    }
  });

  it("a lease another host took (a higher generation) is lost at the next renewal", async () => {
    const { url, pool } = await database("stolen", 1);
    try {
      const a = manager(url, "a", 1500);
      await a.m.start();
      expect(a.m.held().sort()).toEqual(["bobb", "bot-0"]);
      await pool.query("UPDATE leases SET node_id = 'x', generation = generation + 1 WHERE agent_id = 'bot-0'");
      await waitFor(() => a.lost.includes("bot-0"), 2_000, "bot-0 lost");
      expect(a.m.holds("bot-0")).toBe(false);
      expect(a.m.holds("bobb")).toBe(true);
    } finally {
      await pool.end();
    }
  });

  it("when renewals cannot get through, every bot is lost by ttl*2/3, before the lease expires in PostgreSQL", async () => {
    const { url, pool } = await database("blocked", 2);
    const blocker = await pool.connect();
    try {
      const ttl = 1500;
      const a = manager(url, "a", ttl);
      await a.m.start();
      expect(a.m.held()).toHaveLength(3);
      // Another session holds the table: every renewal waits and times out.
      await blocker.query("BEGIN");
      await blocker.query("LOCK TABLE leases IN ACCESS EXCLUSIVE MODE");
      // When the first of them runs out in the database, by the database's clock (the same machine's).
      const { rows: expiry } = await blocker.query<{ ms: string }>(
        "SELECT (extract(epoch FROM min(expires_at)) * 1000)::bigint::text AS ms FROM leases WHERE node_id = 'a'",
      );
      const firstExpiry = Number(expiry[0]!.ms);
      const lostAt: number[] = [];
      a.m.on("lost", () => lostAt.push(Date.now()));
      await waitFor(() => a.lost.length === 3, 3_000, "every lease lost");
      expect(a.m.held()).toEqual([]);
      // The safety property itself, not a duration: every bot was stopped before any lease could be claimed by another host.
      expect(lostAt).toHaveLength(3);
      expect(Math.max(...lostAt)).toBeLessThan(firstExpiry);
      // The leases are still unexpired in the database (renewed at most ttl/3 before the lock).
      await blocker.query("ROLLBACK");
      const { rows } = await pool.query<{ live: string }>("SELECT count(*)::text AS live FROM leases WHERE node_id = 'a' AND expires_at > now()");
      expect(Number(rows[0]!.live)).toBeGreaterThan(0);
      // Still this host's at the same generation (nobody could start them): taken up again.
      await waitFor(() => a.m.held().length === 3, 2_000, "the unexpired leases held again");
    } finally {
      blocker.release();
      await pool.end();
    }
  });
});
