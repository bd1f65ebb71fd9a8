// Fencing on the PostgreSQL registry: a write that carries a lease's generation is stored only while
// that lease holds; after another host took the agent over, the stale host's write throws
// LeaseLostError and nothing of it is stored.
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { LeaseLostError } from "../../src/store/pg/fence.js";
import { claimFree } from "../../src/store/pg/lease-sql.js";
import { PgRegistryStore } from "../../src/store/pg/registry-store.js";
import { captureLogs } from "../helpers/logs.js";
import { postgresOrSkip } from "../helpers/postgres.js";

const { pg: server, skip } = await postgresOrSkip();
if (skip) console.warn(skip);
afterAll(() => server?.stop());

describe.skipIf(!server)("fenced registry writes", () => {
  it("the holder's write is stored; after a takeover the old holder's write is refused and stores nothing", async () => {
    const url = await server!.createDatabase("fence");
    const store = new PgRegistryStore({ url, firstPort: 5000, logger: captureLogs().logger, listen: false });
    await store.open();
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    try {
      await store.update((d) => {
        d.agents["chef"] = { id: "chef", name: "Chef", persona: "A chef.", port: 5000, status: "active", token: "t", created_at: "2026-01-01T00:00:00.000Z" };
      });
      const [a] = (await claimFree(pool, "a", 5, 60_000)).filter((l) => l.agentId === "chef");
      const fenceA = { agentId: "chef", nodeId: "a", generation: a!.generation };
      await store.update((d) => void (d.agents["chef"]!.last_error = "from a"), { fence: fenceA });
      expect(store.snapshot.agents["chef"]!.last_error).toBe("from a");

      // a's lease runs out and b takes the agent over, one generation up.
      await pool.query("UPDATE leases SET expires_at = now() - interval '1 second' WHERE agent_id = 'chef'");
      const [b] = (await claimFree(pool, "b", 5, 60_000)).filter((l) => l.agentId === "chef");
      expect(b!.generation).toBe(a!.generation + 1);
      const stale = store.update((d) => void (d.agents["chef"]!.last_error = "stale a"), { fence: fenceA });
      await expect(stale).rejects.toBeInstanceOf(LeaseLostError);
      await expect(stale).rejects.toMatchObject({ code: "LEASE_LOST", agentId: "chef" });
      await store.update((d) => void (d.agents["chef"]!.last_error = "from b"), { fence: { agentId: "chef", nodeId: "b", generation: b!.generation } });
      await store.reload();
      expect(store.snapshot.agents["chef"]!.last_error).toBe("from b");
      const { rows } = await pool.query<{ err: string }>("SELECT doc->>'last_error' AS err FROM agents WHERE id = 'chef'");
      expect(rows[0]!.err).toBe("from b");
      // An unfenced write (an operator's edit through any host) is not held back.
      await store.update((d) => void (d.agents["chef"]!.persona = "A chef who bakes."));
      expect(store.snapshot.agents["chef"]!.persona).toBe("A chef who bakes.");
    } finally {
      await pool.end();
      await store.close();
    }
  });
});
