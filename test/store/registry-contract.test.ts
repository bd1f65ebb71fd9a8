import path from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { RegistryStore, type Agent, type ChangeOrigin, type RegistryChange, type RegistryPort } from "../../src/registry/index.js";
import { PgRegistryStore } from "../../src/store/pg/registry-store.js";
import { captureLogs } from "../helpers/logs.js";
import { postgresOrSkip } from "../helpers/postgres.js";
import { tempDir } from "../helpers/temp.js";
import { waitFor } from "../helpers/wait.js";

/** One backend: opens stores that share one registry (the same file, or the same database). */
interface Backend {
  name: string;
  /** How soon a change made through one store must show in another. */
  reachMs: number;
  /** Several processes may write at once (PostgreSQL); the file has one writing process and its hand edits. */
  sharedWriters: boolean;
  setup(): Promise<{ open(): Promise<RegistryPort>; cleanup(): Promise<void> }>;
}

const { pg: server, skip } = await postgresOrSkip();
if (skip) console.warn(skip);
afterAll(() => server?.stop());

let databases = 0;
const backends: Array<Backend & { skip?: string | undefined }> = [
  {
    name: "file",
    // chokidar's polling and the file's settle time: a hand edit shows within a few seconds.
    reachMs: 5_000,
    sharedWriters: false,
    async setup() {
      const { dir, cleanup } = await tempDir();
      const file = path.join(dir, "registry.json");
      return { open: async () => openStore(new RegistryStore({ file, firstPort: 5000, logger: captureLogs().logger })), cleanup };
    },
  },
  {
    name: "postgresql",
    skip,
    // The bound: a change on one host reaches another within a second.
    reachMs: 1_000,
    sharedWriters: true,
    async setup() {
      const url = await server!.createDatabase(`contract_${++databases}`);
      return { open: async () => openStore(new PgRegistryStore({ url, firstPort: 5000, logger: captureLogs().logger })), cleanup: async () => {} };
    },
  },
];

const opened: RegistryPort[] = [];
async function openStore(store: RegistryPort): Promise<RegistryPort> {
  opened.push(store);
  await store.open();
  return store;
}

const agent = (id: string, port: number, extra: Partial<Agent> = {}): Agent => ({
  id,
  name: id[0]!.toUpperCase() + id.slice(1),
  persona: `You are ${id}.`,
  port,
  status: "pending_token",
  created_at: "2026-01-01T00:00:00.000Z",
  ...extra,
});

function record(store: RegistryPort): Array<{ change: RegistryChange; origin: ChangeOrigin }> {
  const seen: Array<{ change: RegistryChange; origin: ChangeOrigin }> = [];
  store.on("change", (change, origin) => seen.push({ change, origin }));
  return seen;
}

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`registry contract: ${backend.name} store`, () => {
    let ctx: Awaited<ReturnType<Backend["setup"]>>;
    beforeEach(async () => {
      ctx = await backend.setup();
    });
    afterEach(async () => {
      for (const store of opened.splice(0)) await store.close();
      await ctx.cleanup();
    });

    it("starts empty, then creates, updates and removes agents with one change event each", async () => {
      const store = await ctx.open();
      expect(store.snapshot).toEqual({ agents: {}, next_port: 5000 });
      const seen = record(store);
      const result = await store.update((draft) => {
        draft.agents.chef = agent("chef", 5000);
        draft.next_port = 5001;
        return "made";
      });
      expect(result).toBe("made");
      expect(store.snapshot.agents.chef?.name).toBe("Chef");
      await store.update((draft) => void (draft.agents.chef!.persona = "You cook."));
      await store.update((draft) => void delete draft.agents.chef);
      expect(store.snapshot.agents).toEqual({});
      expect(seen.map((s) => [s.change.type, s.change.id, s.origin])).toEqual([
        ["added", "chef", "api"],
        ["changed", "chef", "api"],
        ["removed", "chef", "api"],
      ]);
      expect(seen[1]?.change).toMatchObject({ fields: ["persona"] });
      // What was stored is what a fresh store reads.
      const again = await ctx.open();
      expect(again.snapshot).toEqual({ agents: {}, next_port: 5001 });
      expect((await store.checkHealth()).ok).toBe(true);
    });

    it("a rejected update leaves nothing half-written", async () => {
      const store = await ctx.open();
      await store.update((draft) => void (draft.agents.keep = agent("keep", 5000)));
      const seen = record(store);
      const failing = store.update((draft) => {
        draft.agents.half = agent("half", 5001);
        draft.agents.keep!.persona = "changed";
        throw new Error("changed my mind");
      });
      await expect(failing).rejects.toThrow("changed my mind");
      // Invalid as a whole (two agents on one port): refused with the reason, nothing stored.
      const invalid = store.update((draft) => void (draft.agents.twin = agent("twin", 5000)));
      await expect(invalid).rejects.toMatchObject({ code: "INVALID_AGENT" });
      expect(Object.keys(store.snapshot.agents)).toEqual(["keep"]);
      expect(store.snapshot.agents.keep?.persona).toBe("You are keep.");
      expect(seen).toEqual([]);
      const fresh = await ctx.open();
      expect(fresh.snapshot.agents).toEqual({ keep: agent("keep", 5000) });
    });

    const bump = (store: RegistryPort, i: number) =>
      store.update((draft) => {
        draft.agents[`bot-${i}`] = agent(`bot-${i}`, draft.next_port);
        draft.next_port += 1;
      });
    const expectTwelve = (store: RegistryPort) => {
      expect(store.snapshot.next_port).toBe(5012);
      const ports = Object.values(store.snapshot.agents).map((x) => x.port);
      expect(ports.sort()).toEqual(Array.from({ length: 12 }, (_, i) => 5000 + i));
    };

    it("concurrent updates on one store take turns: each builds on the last, none is lost", async () => {
      const store = await ctx.open();
      await Promise.all(Array.from({ length: 12 }, (_, i) => bump(store, i)));
      expectTwelve(store);
      expectTwelve(await ctx.open());
    });

    it.runIf(backend.sharedWriters)("concurrent updates from two stores (two hosts) on one registry take turns too", async () => {
      const [a, b] = [await ctx.open(), await ctx.open()];
      await Promise.all(Array.from({ length: 12 }, (_, i) => bump(i % 2 ? a : b, i)));
      await a.reload();
      expectTwelve(a);
    });

    it(`a change made through another store reaches this one (within ${backend.reachMs} ms) as events`, async () => {
      const [mine, other] = [await ctx.open(), await ctx.open()];
      const seen = record(mine);
      const started = Date.now();
      await other.update((draft) => void (draft.agents.remote = agent("remote", 5000)));
      await waitFor(() => mine.snapshot.agents.remote, backend.reachMs, "the other store's new agent");
      await other.update((draft) => void (draft.agents.remote!.status = "disabled"));
      await waitFor(() => mine.snapshot.agents.remote?.status === "disabled", backend.reachMs, "the other store's disable");
      await other.update((draft) => void delete draft.agents.remote);
      await waitFor(() => !mine.snapshot.agents.remote, backend.reachMs, "the other store's removal");
      expect(Date.now() - started).toBeLessThan(backend.reachMs * 3);
      expect(seen.map((s) => [s.change.type, s.change.id, s.origin])).toEqual([
        ["added", "remote", "file"],
        ["changed", "remote", "file"],
        ["removed", "remote", "file"],
      ]);
    });
  });
}
