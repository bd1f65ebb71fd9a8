import path from "node:path";
import pg from "pg";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { SessionStore, type SessionMap } from "../../src/opencode/index.js";
import { LeaseLostError, type Fence } from "../../src/store/pg/fence.js";
import { claimLeases } from "../../src/store/pg/leases.js";
import { migrate } from "../../src/store/pg/migrate.js";
import { PgSessionStore } from "../../src/store/pg/session-store.js";
import { postgresOrSkip } from "../helpers/postgres.js";
import { tempDir } from "../helpers/temp.js";

interface Backend {
  name: string;
  skip?: string | undefined;
  setup(): Promise<{ open(now: () => number): Promise<SessionMap>; cleanup(): Promise<void> }>;
}

const { pg: server, skip } = await postgresOrSkip();
if (skip) console.warn(skip);
afterAll(() => server?.stop());

const opened: SessionMap[] = [];
async function openMap(map: SessionMap): Promise<SessionMap> {
  opened.push(map);
  await map.load();
  return map;
}

let databases = 0;
const backends: Backend[] = [
  {
    name: "file",
    async setup() {
      const { dir, cleanup } = await tempDir();
      return { open: (now) => openMap(new SessionStore(path.join(dir, "sessions-shared.json"), { now })), cleanup };
    },
  },
  {
    name: "postgresql",
    skip,
    async setup() {
      const url = await server!.createDatabase(`sessions_${++databases}`);
      return { open: (now) => openMap(new PgSessionStore({ url, scope: "shared", now })), cleanup: async () => {} };
    },
  },
];

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`session map contract: ${backend.name}`, () => {
    let ctx: Awaited<ReturnType<Backend["setup"]>>;
    let t = 1_000;
    const now = () => t;
    beforeEach(async () => {
      t = 1_000;
      ctx = await backend.setup();
    });
    afterEach(async () => {
      for (const map of opened.splice(0)) await map.close();
      await ctx.cleanup();
    });

    it("maps (agent, conversation) to a session id, and a fresh map (another host, a restart) reads the same", async () => {
      const map = await ctx.open(now);
      expect(await map.get("chef", "c1")).toBeUndefined();
      await map.set("chef", "c1", "ses_1");
      await map.set("chef", "c2", "ses_2");
      await map.set("chef", "c1", "ses_1b");
      await map.set("poet", "c1", "ses_3");
      await map.delete("chef", "c2");
      await map.delete("chef", "never");
      await map.touch("nobody", "c1");
      await map.close();
      const again = await ctx.open(now);
      expect(await again.get("chef", "c1")).toBe("ses_1b");
      expect(await again.get("chef", "c2")).toBeUndefined();
      expect(await again.get("poet", "c1")).toBe("ses_3");
      expect(await again.get("nobody", "c1")).toBeUndefined();
    });

    it("idleSince lists sessions by last use, oldest first; touch moves one forward", async () => {
      const map = await ctx.open(now);
      await map.set("chef", "a", "ses_a");
      t = 2_000;
      await map.set("chef", "b", "ses_b");
      t = 3_000;
      await map.set("poet", "c", "ses_c");
      t = 4_000;
      await map.touch("chef", "a");
      expect(await map.idleSince(500)).toEqual([]);
      expect(await map.idleSince(3_000)).toEqual([
        { agentId: "chef", conversation: "b", sessionId: "ses_b" },
        { agentId: "poet", conversation: "c", sessionId: "ses_c" },
      ]);
      expect((await map.idleSince(4_000)).map((s) => s.sessionId)).toEqual(["ses_b", "ses_c", "ses_a"]);
    });

    it("takeAgent forgets every session of one agent and returns their ids", async () => {
      const map = await ctx.open(now);
      await map.set("chef", "a", "ses_a");
      await map.set("chef", "b", "ses_b");
      await map.set("poet", "a", "ses_p");
      expect((await map.takeAgent("chef")).sort()).toEqual(["ses_a", "ses_b"]);
      expect(await map.takeAgent("chef")).toEqual([]);
      await map.flush();
      const again = await ctx.open(now);
      expect(await again.get("chef", "a")).toBeUndefined();
      expect(await again.get("poet", "a")).toBe("ses_p");
    });
  });
}

describe.skipIf(skip !== undefined)("session map in PostgreSQL: fenced writes", () => {
  let url: string;
  let pool: pg.Pool;
  beforeEach(async () => {
    url = await server!.createDatabase(`fence_${++databases}`);
    pool = new pg.Pool({ connectionString: url, max: 2 });
    await migrate(pool);
    await pool.query("INSERT INTO agents (id, doc, version) VALUES ('chef', '{}', 1), ('poet', '{}', 1)");
  });
  afterEach(async () => {
    for (const map of opened.splice(0)) await map.close();
    await pool.end();
  });

  const rows = async () =>
    (
      await pool.query<{ agent_id: string; conversation: string; session_id: string; used_at: string }>(
        "SELECT agent_id, conversation, session_id, used_at::text FROM opencode_sessions ORDER BY agent_id, conversation",
      )
    ).rows;

  it("writes while the lease holds; after another host takes the lease (generation up) every stale write is refused and nothing changes", async () => {
    const [lease] = await claimLeases(pool, "host-a", 1, 60_000);
    expect(lease).toMatchObject({ agentId: "chef", nodeId: "host-a", generation: 1 });
    const fences = new Map<string, Fence>([["chef", { nodeId: "host-a", generation: lease!.generation }]]);
    let t = 1_000;
    const map = await openMap(new PgSessionStore({ url, scope: "shared", fenceOf: (id) => fences.get(id), now: () => t }));
    await map.set("chef", "c1", "ses_1");
    await map.set("chef", "c2", "ses_2");
    // No fence for poet (not leased by anyone here): written unfenced.
    await map.set("poet", "c1", "ses_p");
    t = 2_000;
    await map.touch("chef", "c1");
    const before = await rows();
    expect(before.map((r) => [r.agent_id, r.conversation, r.session_id, r.used_at])).toEqual([
      ["chef", "c1", "ses_1", "2000"],
      ["chef", "c2", "ses_2", "1000"],
      ["poet", "c1", "ses_p", "1000"],
    ]);

    // Host a stalls past its lease; host b takes chef over: the generation goes up.
    await pool.query("UPDATE leases SET expires_at = now() - interval '1 second' WHERE agent_id = 'chef'");
    const [taken] = await claimLeases(pool, "host-b", 1, 60_000);
    expect(taken).toMatchObject({ agentId: "chef", nodeId: "host-b", generation: 2 });

    t = 3_000;
    for (const stale of [
      () => map.set("chef", "c1", "ses_stale"),
      () => map.set("chef", "c9", "ses_new"),
      () => map.touch("chef", "c2"),
      () => map.delete("chef", "c2"),
    ]) {
      const err = await stale().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(LeaseLostError);
      expect(err).toMatchObject({ code: "LEASE_LOST", agentId: "chef", fence: { nodeId: "host-a", generation: 1 } });
    }
    expect(await rows()).toEqual(before);

    // The new owner (generation 2) writes; an expired lease of the same holder refuses too.
    fences.set("chef", { nodeId: "host-b", generation: 2 });
    await map.set("chef", "c1", "ses_b");
    expect(await map.get("chef", "c1")).toBe("ses_b");
    await pool.query("UPDATE leases SET expires_at = now() - interval '1 second' WHERE agent_id = 'chef'");
    await expect(map.touch("chef", "c1")).rejects.toBeInstanceOf(LeaseLostError);
  });
});
