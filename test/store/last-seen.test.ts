// The last-seen positions in PostgreSQL (lease mode): written only under the writer's lease, read by the
// host that takes a bot over as the previous holder left them, before its own positions replace them.
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import type { Fence } from "../../src/store/pg/fence.js";
import { claimFree } from "../../src/store/pg/lease-sql.js";
import { PgLastSeenStore } from "../../src/store/pg/last-seen-store.js";
import { migrate } from "../../src/store/pg/migrate.js";
import { captureLogs } from "../helpers/logs.js";
import { postgresOrSkip } from "../helpers/postgres.js";
import { waitFor } from "../helpers/wait.js";

const { pg: server, skip } = await postgresOrSkip();
if (skip) console.warn(skip);
afterAll(() => server?.stop());

describe.skipIf(!server)("last seen messages in PostgreSQL", () => {
  it("the holder's positions are stored, a stale host's are not, and the next holder starts from the last holder's", async () => {
    const url = await server!.createDatabase("lastseen");
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    const open = async (fence: () => Fence | undefined) => {
      const store = new PgLastSeenStore({ url, fenceOf: fence, logger: captureLogs().logger, flushMs: 10 });
      await store.load();
      return store;
    };
    const stored = async () =>
      (await pool.query<{ m: string }>("SELECT message_id::text AS m FROM last_seen WHERE agent_id = 'bobb' AND channel_id = '7'")).rows[0]?.m;
    try {
      await migrate(pool);
      const [a] = (await claimFree(pool, "a", 5, 60_000)).filter((l) => l.agentId === "bobb");
      const fenceA = { nodeId: "a", generation: a!.generation };
      const onA = await open(() => fenceA);
      expect(await onA.atStart("bobb")).toEqual(new Map());
      onA.record("bobb", "7", "1000000000000000105");
      onA.record("bobb", "7", "1000000000000000100"); // older: kept as it was
      await onA.close();
      expect(await stored()).toBe("1000000000000000105");

      // a's lease runs out and b takes the bot over; a, still running somewhere, writes nothing more.
      await pool.query("UPDATE leases SET expires_at = now() - interval '1 second' WHERE agent_id = 'bobb'");
      const [b] = (await claimFree(pool, "b", 5, 60_000)).filter((l) => l.agentId === "bobb");
      const staleA = await open(() => fenceA);
      staleA.record("bobb", "7", "1000000000000000110");
      await staleA.close();
      expect(await stored()).toBe("1000000000000000105");

      const onB = await open(() => ({ nodeId: "b", generation: b!.generation }));
      const pending = [{ agent: "bobb", channel: "7", message: "1000000000000000115" }];
      onB.holdBack(() => pending);
      // b's live messages arrive at once; where the bot's reading of missed messages starts is a's.
      onB.record("bobb", "7", "1000000000000000120");
      expect(await onB.atStart("bobb")).toEqual(new Map([["7", "1000000000000000105"]]));
      // A mention accepted and not answered yet: the position stays just before it, for whoever runs the bot next.
      await waitFor(async () => (await stored()) === "1000000000000000114", 5_000, "the position held before the pending mention");
      pending.length = 0;
      onB.record("bobb", "7", "1000000000000000121");
      await onB.close();
      expect(await stored()).toBe("1000000000000000121");
      // No lease at all (lost): nothing written.
      const none = await open(() => undefined);
      none.record("bobb", "7", "1000000000000000130");
      await none.close();
      expect(await stored()).toBe("1000000000000000121");
    } finally {
      await pool.end();
    }
  });
});
