import { readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { once } from "node:events";
import { RegistryStore, parseRegistry, type RegistryChange } from "../../src/registry/index.js";
import { bearer, startApiHarness, type ApiHarness } from "../helpers/api.js";
import { captureLogs } from "../helpers/logs.js";
import { tempDir } from "../helpers/temp.js";
import { waitFor } from "../helpers/wait.js";

describe("registry store", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let store: RegistryStore;
  let logs: string[];

  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
    const root = captureLogs();
    logs = root.lines;
    store = new RegistryStore({ file: path.join(dir, "registry.json"), firstPort: 5000, logger: root.logger });
  });
  afterEach(async () => {
    await store.close();
    await cleanup();
  });

  it("creates the file when missing, valid and mode 0600", async () => {
    await store.open();
    const text = await readFile(store.file, "utf8");
    expect(parseRegistry(text)).toMatchObject({ ok: true, value: { agents: {}, next_port: 5000 } });
    expect((await stat(store.file)).mode & 0o777).toBe(0o600);
  });

  it("applies a valid hand edit live and emits typed change events", async () => {
    await store.open();
    const changes: RegistryChange[] = [];
    store.on("change", (c) => changes.push(c));
    const edited = {
      agents: {
        chef: { id: "chef", name: "Chef", persona: "p", port: 5000, status: "pending_token", created_at: "2026-01-01T00:00:00.000Z" },
      },
      next_port: 5001,
    };
    await writeFile(store.file, JSON.stringify(edited, null, 2));
    await waitFor(() => changes.length > 0, 10_000, "change event");
    expect(changes[0]).toMatchObject({ type: "added", id: "chef" });
    expect(store.snapshot.agents.chef?.name).toBe("Chef");

    await writeFile(store.file, JSON.stringify({ ...edited, agents: { chef: { ...edited.agents.chef, status: "disabled", token: "t" } } }));
    await waitFor(() => changes.length > 1, 10_000, "second change");
    expect(changes[1]).toMatchObject({ type: "changed", id: "chef", fields: ["status", "token"] });

    await writeFile(store.file, JSON.stringify({ agents: {}, next_port: 5001 }));
    await waitFor(() => changes.length > 2, 10_000, "removal");
    expect(changes[2]).toMatchObject({ type: "removed", id: "chef" });
  });

  it("does not echo its own writes back as edits", async () => {
    await store.open();
    const origins: string[] = [];
    store.on("change", (_c, origin) => origins.push(origin));
    await store.update((d) => {
      d.next_port = 6000;
      d.agents.a = { id: "a", name: "A", persona: "", port: 6000, status: "pending_token", created_at: new Date().toISOString() };
    });
    // A later operator edit proves the watcher is live; only then can we tell no echo came before it.
    const text = await readFile(store.file, "utf8");
    await writeFile(store.file, text.replace('"name": "A"', '"name": "B"'));
    await waitFor(() => origins.includes("file"), 10_000, "operator edit");
    expect(origins).toEqual(["api", "file"]);
  });

  it("keeps the last good state on a broken edit, refuses writes, leaves the file alone, recovers when fixed", async () => {
    await store.open();
    await store.update((d) => {
      d.agents.a = { id: "a", name: "A", persona: "", port: 5000, status: "pending_token", created_at: new Date().toISOString() };
    });
    const broken = '{\n  "agents": {\n    "a": { "id": "a",, }\n  },\n  "next_port": 5001\n}\n';
    const invalid = once(store, "invalid");
    await writeFile(store.file, broken);
    const [error] = (await invalid) as [string];
    expect(error).toMatch(/invalid JSON at line 3/);
    expect(logs.some((l) => l.includes("registry edit rejected") && l.includes(store.file) && l.includes("line 3"))).toBe(true);
    expect(store.snapshot.agents.a?.name).toBe("A");
    await expect(store.update((d) => void (d.next_port = 1))).rejects.toMatchObject({ code: "REGISTRY_INVALID" });
    expect(await readFile(store.file, "utf8")).toBe(broken);

    const schemaBroken = JSON.stringify({
      agents: { a: { id: "a", name: "A", persona: "", port: 5000, status: "running", created_at: "2026-01-01T00:00:00Z" } },
      next_port: 5001,
    });
    await writeFile(store.file, schemaBroken);
    await waitFor(() => !store.health.ok && store.health.error.includes("agents.a.status"), 10_000, "schema error");

    const recovered = once(store, "recovered");
    await writeFile(store.file, schemaBroken.replace("running", "disabled"));
    await recovered;
    await store.update((d) => void (d.next_port = 7000));
    expect(JSON.parse(await readFile(store.file, "utf8")).next_port).toBe(7000);
  });
});

describe("100 concurrent creates through the API", () => {
  let h: ApiHarness;
  beforeEach(async () => {
    h = await startApiHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it("all land, the file stays valid JSON, ports are unique", async () => {
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        h.app.inject({ method: "POST", url: "/api/registry/agents", headers: bearer(h.bobbKey), payload: { name: `Bot ${i}`, persona: `persona ${i}` } }),
      ),
    );
    expect(results.map((r) => r.statusCode)).toEqual(Array(100).fill(201));
    const parsed = parseRegistry(await readFile(h.registry.file, "utf8"));
    if (!parsed.ok) throw new Error(parsed.error);
    const agents = Object.values(parsed.value.agents);
    expect(agents).toHaveLength(100);
    expect(new Set(agents.map((a) => a.port)).size).toBe(100);
    expect(parsed.value.next_port).toBeGreaterThan(Math.max(...agents.map((a) => a.port)));
    expect((await stat(h.registry.file)).mode & 0o777).toBe(0o600);
  });

  it("refuses API writes with 503 while the file is broken, without touching it", async () => {
    const invalid = once(h.registry, "invalid");
    await writeFile(h.registry.file, "{ nope");
    await invalid;
    const res = await h.app.inject({ method: "POST", url: "/api/registry/agents", headers: bearer(h.bobbKey), payload: { name: "A", persona: "x" } });
    expect(res.statusCode).toBe(503);
    expect(res.json().error.code).toBe("REGISTRY_INVALID");
    expect(res.json().error.message).toContain("fix it first");
    expect(await readFile(h.registry.file, "utf8")).toBe("{ nope");
    const health = await h.app.inject({ method: "GET", url: "/api/health" });
    expect(health.json()).toMatchObject({ status: "degraded", registry: "invalid" });
  });
});

describe("registry store recovery", () => {
  it("is healthy again when the operator restores the exact last good file", async () => {
    const { dir, cleanup } = await tempDir();
    const root = captureLogs();
    const store = new RegistryStore({ file: path.join(dir, "registry.json"), firstPort: 5000, logger: root.logger });
    try {
      await store.open();
      const good = await readFile(store.file, "utf8");
      const invalid = once(store, "invalid");
      await writeFile(store.file, "{ broken");
      await invalid;
      const recovered = once(store, "recovered");
      await writeFile(store.file, good);
      await recovered;
      expect(store.health.ok).toBe(true);
    } finally {
      await store.close();
      await cleanup();
    }
  });
});
