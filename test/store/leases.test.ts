import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { claimLeases } from "../../src/store/pg/leases.js";
import { migrate } from "../../src/store/pg/migrate.js";
import { postgresOrSkip } from "../helpers/postgres.js";

const { pg: server, skip } = await postgresOrSkip();
if (skip) console.warn(skip);
afterAll(() => server?.stop());

describe.skipIf(!server)("agent leases (claimLeases)", () => {
  it("hosts claiming at once get disjoint agents; an expired lease is taken over with the next generation", async () => {
    const pool = new pg.Pool({ connectionString: await server!.createDatabase("leases"), max: 6 });
    try {
      await migrate(pool);
      for (let i = 0; i < 9; i++) await pool.query("INSERT INTO agents (id, doc, version) VALUES ($1, '{}', 1)", [`bot-${i}`]);
      const claims = await Promise.all(["a", "b", "c"].map((node) => claimLeases(pool, node, 4, 60_000)));
      const ids = claims.flat().map((l) => l.agentId);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.sort()).toEqual(Array.from({ length: 9 }, (_, i) => `bot-${i}`));
      expect(claims.flat().every((l) => l.generation === 1)).toBe(true);
      // Nothing is left for a fourth host while the leases hold.
      expect(await claimLeases(pool, "d", 9, 60_000)).toEqual([]);

      // Host a stops renewing: its leases expire and d takes them, one generation up.
      const ofA = claims[0]!.map((l) => l.agentId);
      await pool.query("UPDATE leases SET expires_at = now() - interval '1 second' WHERE node_id = 'a'");
      const taken = await claimLeases(pool, "d", 9, 60_000);
      expect(taken.map((l) => l.agentId).sort()).toEqual([...ofA].sort());
      expect(taken.every((l) => l.nodeId === "d" && l.generation === 2)).toBe(true);
    } finally {
      await pool.end();
    }
  });
});
