import { closeSync, fstatSync, ftruncateSync, openSync, readSync, writeSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseRegistry } from "../../src/registry/index.js";
import { bearer, startApiHarness, type ApiHarness } from "../helpers/api.js";
import { waitFor } from "../helpers/wait.js";
import { prng } from "../helpers/prng.js";

/**
 * An operator's in-place edit, done the way an editor that writes in place does it: read,
 * change, truncate, write, all through one descriptor. Reading and writing the same inode
 * in one synchronous step means the edit itself never drops a write of ours; it can only
 * land on a file we are about to replace, which is the race under test.
 */
function handEditInPlace(file: string, edit: (json: { agents: Record<string, unknown>; next_port: number }) => void): void {
  const fd = openSync(file, "r+");
  try {
    const size = fstatSync(fd).size;
    const buf = Buffer.alloc(size);
    let read = 0;
    while (read < size) read += readSync(fd, buf, read, size - read, read);
    const json = JSON.parse(buf.toString("utf8"));
    edit(json);
    const out = Buffer.from(JSON.stringify(json, null, 2) + "\n");
    ftruncateSync(fd, 0);
    let written = 0;
    while (written < out.length) written += writeSync(fd, out, written, out.length - written, written);
  } finally {
    closeSync(fd);
  }
}

const handAgent = (i: number) => ({
  id: `hand-${i}`,
  name: `Hand ${i}`,
  persona: `added by hand ${i}`,
  port: 30000 + i,
  status: "pending_token",
  created_at: "2026-01-01T00:00:00.000Z",
});

async function counts(h: ApiHarness): Promise<{ file: number; api: number }> {
  const parsed = parseRegistry(await readFile(h.registry.file, "utf8"));
  const file = parsed.ok ? Object.keys(parsed.value.agents).length : -1;
  const res = await h.app.inject({ method: "GET", url: "/api/registry/agents", headers: bearer(h.adminKey) });
  return { file, api: res.statusCode === 200 ? (res.json().agents as unknown[]).length : -1 };
}

describe("API writes racing in-place hand edits", () => {
  let h: ApiHarness;
  beforeEach(async () => {
    h = await startApiHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  for (const seed of [1, 7, 42, 1234, 99991]) {
    it(`100 creates + 5 hand edits give 105 agents in the file and the API (seed ${seed})`, async () => {
      const random = prng(seed);
      // Each hand edit fires when this many creates have been answered (seeded).
      const triggers = Array.from({ length: 5 }, () => Math.floor(random() * 100)).sort((a, b) => a - b);
      let answered = 0;
      let edits = 0;
      const fire = () => {
        while (edits < triggers.length && triggers[edits]! <= answered) {
          const i = edits++;
          handEditInPlace(h.registry.file, (json) => void (json.agents[`hand-${i}`] = handAgent(i)));
        }
      };
      fire();
      const results = await Promise.all(
        Array.from({ length: 100 }, async (_, i) => {
          const res = await h.app.inject({
            method: "POST",
            url: "/api/registry/agents",
            headers: bearer(h.bobbKey),
            payload: { name: `Bot ${i}`, persona: `persona ${i}` },
          });
          answered++;
          fire();
          return res.statusCode;
        }),
      );
      expect(
        results.filter((s) => s !== 201),
        `seed ${seed}`,
      ).toEqual([]);
      let last = await counts(h);
      await waitFor(async () => ((last = await counts(h)), last.file === 105 && last.api === 105), 10_000, "105 agents").catch(() => undefined);
      expect(last, `seed ${seed} (hand edits after ${triggers.join(", ")} creates)`).toEqual({ file: 105, api: 105 });
    });
  }
});

describe("live edits and health after a burst of our own writes", () => {
  let h: ApiHarness;
  beforeEach(async () => {
    h = await startApiHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it("a hand edit after 20 concurrent creates is still applied, and health reports a broken file at once", async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        h.app.inject({ method: "POST", url: "/api/registry/agents", headers: bearer(h.bobbKey), payload: { name: `Burst ${i}`, persona: "p" } }),
      ),
    );
    expect(results.map((r) => r.statusCode)).toEqual(Array(20).fill(201));

    for (let round = 0; round < 3; round++) {
      const text = await readFile(h.registry.file, "utf8");
      const json = JSON.parse(text);
      json.agents["burst-0"].name = `Renamed ${round}`;
      await writeFile(h.registry.file, JSON.stringify(json, null, 2));
      await waitFor(() => h.registry.snapshot.agents["burst-0"]?.name === `Renamed ${round}`, 5_000, `hand edit ${round} applied`);
    }

    await writeFile(h.registry.file, "{ broken");
    const health = await h.app.inject({ method: "GET", url: "/api/health" });
    expect(health.json()).toMatchObject({ status: "degraded", registry: "invalid" });
    expect(await readFile(h.registry.file, "utf8")).toBe("{ broken");

    const fixed = JSON.stringify({ agents: {}, next_port: 5000 });
    await writeFile(h.registry.file, fixed);
    const again = await h.app.inject({ method: "GET", url: "/api/health" });
    expect(again.json()).toMatchObject({ status: "ok", registry: "ok", agents: 0 });
  });
});
