import { once } from "node:events";
import { readFile, writeFile } from "node:fs/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseRegistry } from "../../src/registry/index.js";
import { bearer, startApiHarness, type ApiHarness } from "../helpers/api.js";

const agent = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  name: id.toUpperCase(),
  persona: "p",
  port: 5000,
  status: "pending_token",
  created_at: "2026-01-01T00:00:00.000Z",
  ...extra,
});
const registryText = (agents: Record<string, unknown>) => JSON.stringify({ agents, next_port: 6000 }, null, 2) + "\n";

const badEdits: Array<[what: string, text: string, error: RegExp]> = [
  ["duplicate port", registryText({ a: agent("a", { port: 5100 }), b: agent("b", { port: 5100 }) }), /agents\.b\.port.*5100.*"a"/],
  [
    "duplicate name (case-insensitive)",
    registryText({ a: agent("a", { name: "Chef", port: 5100 }), b: agent("b", { name: "chef", port: 5101 }) }),
    /agents\.b\.name.*"a"/,
  ],
  ["huge persona", registryText({ a: agent("a", { persona: "x".repeat(10 * 1024 * 1024) }) }), /agents\.a\.persona.*8192 bytes/],
  ["persona with a control character", registryText({ a: agent("a", { persona: "evil \u001b[2J" }) }), /agents\.a\.persona.*control/],
  ["name too long", registryText({ a: agent("a", { name: "n".repeat(65) }) }), /agents\.a\.name/],
  ["reserved id admin", registryText({ admin: agent("admin") }), /agents\.admin\.id.*reserved/],
  ["reserved id bobb", registryText({ bobb: agent("bobb") }), /agents\.bobb\.id.*reserved/],
  [
    "duplicate JSON key",
    '{\n  "agents": {\n    "a": { "id": "a", "name": "A", "persona": "p", "port": 5000,\n           "port": 5001, "status": "pending_token", "created_at": "2026-01-01T00:00:00.000Z" }\n  },\n  "next_port": 6000\n}\n',
    /line 4, column 12: duplicate key "port" in agents\.a/,
  ],
];

describe("hand edits are checked like API input", () => {
  let h: ApiHarness;
  beforeEach(async () => {
    h = await startApiHarness();
    const res = await h.app.inject({ method: "POST", url: "/api/registry/agents", headers: bearer(h.bobbKey), payload: { name: "Keeper", persona: "p" } });
    expect(res.statusCode).toBe(201);
  });
  afterEach(async () => {
    await h.close();
  });

  for (const [what, text, error] of badEdits) {
    it(`reports a ${what}, keeps the last good state, never overwrites the file`, async () => {
      expect(parseRegistry(text)).toMatchObject({ ok: false, error: expect.stringMatching(error) });
      const invalid = once(h.registry, "invalid");
      await writeFile(h.registry.file, text);
      const [reported] = (await invalid) as [string];
      expect(reported).toMatch(error);
      expect(Object.keys(h.registry.snapshot.agents)).toEqual(["keeper"]);
      const health = await h.app.inject({ method: "GET", url: "/api/health" });
      expect(health.json()).toMatchObject({ status: "degraded", registry: "invalid" });
      const write = await h.app.inject({ method: "POST", url: "/api/registry/agents", headers: bearer(h.bobbKey), payload: { name: "Other", persona: "p" } });
      expect(write.statusCode).toBe(503);
      expect(write.json().error.code).toBe("REGISTRY_INVALID");
      expect(await readFile(h.registry.file, "utf8")).toBe(text);
    });
  }

  it("accepts a good edit with unique ids, names and ports", async () => {
    const text = registryText({ a: agent("a", { name: "Chef", port: 5100 }), b: agent("b", { name: "Chef 2", port: 5101 }) });
    expect(parseRegistry(text)).toMatchObject({ ok: true });
  });

  it("shows a bot that cannot start with its reason in last_error and /api/health", async () => {
    await h.registry.update((draft) => {
      draft.agents.keeper = { ...draft.agents.keeper!, status: "active", token: "x", last_error: "port 4097 is already in use" };
    });
    const res = await h.app.inject({ method: "GET", url: "/api/health" });
    expect(res.json()).toMatchObject({
      status: "degraded",
      registry: "ok",
      agents_failing: [{ id: "keeper", last_error: "port 4097 is already in use" }],
    });
    const one = await h.app.inject({ method: "GET", url: "/api/registry/agents/keeper", headers: bearer(h.adminKey) });
    expect(one.json().agent.last_error).toBe("port 4097 is already in use");
  });
});
