import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

const writes = vi.hoisted(() => ({ count: 0 }));
vi.mock("../fs/atomic-write.js", async (original) => {
  const real = await original<typeof import("../fs/atomic-write.js")>();
  return { ...real, writeFileAtomic: (...args: Parameters<typeof real.writeFileAtomic>) => (writes.count++, real.writeFileAtomic(...args)) };
});
const { SessionStore } = await import("./sessions.js");

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "bobb-sessions-"));
  writes.count = 0;
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("SessionStore", () => {
  it("writes the file a few times, not once per new conversation (100 conversations)", async () => {
    const file = path.join(dir, "sessions.json");
    const store = new SessionStore(file);
    for (let i = 0; i < 100; i++) await store.set("chef", `c${i}`, `ses_${i}`);
    await store.flush();
    expect(writes.count).toBeLessThanOrEqual(2);
    const again = new SessionStore(file);
    expect(await again.get("chef", "c99")).toBe("ses_99");
    expect(await again.get("chef", "c0")).toBe("ses_0");
  });

  it("writes a change at once, without a flush, in the format earlier versions read", async () => {
    const file = path.join(dir, "sessions.json");
    const store = new SessionStore(file, { now: () => 42 });
    await store.set("chef", "c1", "ses_1");
    await vi.waitFor(async () =>
      expect(JSON.parse(await readFile(file, "utf8"))).toEqual({ version: 1, sessions: { chef: { c1: "ses_1" } }, used: { chef: { c1: 42 } } }),
    );
    expect(writes.count).toBe(1);
  });

  it("lists sessions idle longer than a given age by when they were last used (fake clock)", async () => {
    let t = 1_000_000;
    const store = new SessionStore(path.join(dir, "s.json"), { now: () => t });
    await store.set("chef", "old", "ses_old");
    t += 5000;
    await store.set("chef", "new", "ses_new");
    t += 5000;
    await store.touch("chef", "old");
    t += 3000;
    expect(await store.idleSince(t - 4000)).toEqual([{ agentId: "chef", conversation: "new", sessionId: "ses_new" }]);
    await store.delete("chef", "new");
    expect(await store.idleSince(t)).toEqual([{ agentId: "chef", conversation: "old", sessionId: "ses_old" }]);
    await store.flush();
  });

  it("reads a file without last-used times as used now", async () => {
    const file = path.join(dir, "v1.json");
    const { writeFile } = await import("node:fs/promises");
    await writeFile(file, JSON.stringify({ version: 1, sessions: { chef: { c1: "ses_1" } } }));
    const store = new SessionStore(file, { now: () => 42 });
    expect(await store.get("chef", "c1")).toBe("ses_1");
    expect(await store.idleSince(41)).toEqual([]);
    expect(await store.idleSince(43)).toHaveLength(1);
  });
});
