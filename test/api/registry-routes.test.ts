import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bearer, startApiHarness, type ApiHarness } from "../helpers/api.js";

let h: ApiHarness;
beforeEach(async () => {
  h = await startApiHarness();
});
afterEach(async () => {
  await h.close();
});

const create = (body: unknown, key = h.bobbKey) => h.app.inject({ method: "POST", url: "/api/registry/agents", headers: bearer(key), payload: body as object });

describe("health", () => {
  it("answers without a key", async () => {
    const res = await h.app.inject({ method: "GET", url: "/api/health" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: "ok", registry: "ok", discord: "detached" });
  });
});

describe("auth", () => {
  it("refuses a missing or wrong key with 401", async () => {
    const none = await h.app.inject({ method: "GET", url: "/api/registry/agents" });
    expect(none.statusCode).toBe(401);
    expect(none.json().error).toEqual({ code: "UNAUTHORIZED", message: expect.stringContaining("Bearer") });
    const wrong = await h.app.inject({ method: "GET", url: "/api/registry/agents", headers: bearer("nope") });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.message).toContain("unknown API key");
  });

  it("gives a child key 403 on registry routes but lets it reach the discord routes", async () => {
    const childKey = h.keys.issue("chef", "child");
    for (const [method, url] of [
      ["GET", "/api/registry/agents"],
      ["POST", "/api/registry/agents"],
      ["GET", "/api/registry/agents/pending"],
      ["GET", "/api/registry/agents/x"],
      ["PUT", "/api/registry/agents/x"],
    ] as const) {
      const res = await h.app.inject({ method, url, headers: bearer(childKey), payload: {} });
      expect(res.statusCode, `${method} ${url}`).toBe(403);
      expect(res.json().error.code).toBe("FORBIDDEN");
    }
    const members = await h.app.inject({ method: "GET", url: "/api/discord/members", headers: bearer(childKey) });
    expect(members.statusCode).toBe(503);
  });

  it("lets the admin key do what BoBB can", async () => {
    const res = await create({ name: "Admin Made", persona: "x" }, h.adminKey);
    expect(res.statusCode).toBe(201);
  });
});

describe("POST /api/registry/agents", () => {
  it("creates a pending agent with a slug id, a port and AGENTS.md from the template", async () => {
    // The operator's key may name the creator; BoBB's cannot (test/api/ownership.test.ts).
    const res = await create({ name: "Chef Bot", persona: "Only cooks Italian food.", created_by: "123" }, h.adminKey);
    expect(res.statusCode).toBe(201);
    const { agent } = res.json();
    expect(agent).toMatchObject({ id: "chef-bot", name: "Chef Bot", status: "pending_token", has_token: false, created_by: "123" });
    expect(agent).not.toHaveProperty("token");
    const md = await readFile(path.join(h.dir, "agents", "chef-bot", "AGENTS.md"), "utf8");
    expect(md).toContain("You are **Chef Bot**");
    expect(md).toContain("Only cooks Italian food.");
    expect(md).not.toContain("{{");
    const second = await create({ name: "Pirate", persona: "Arr" });
    // Ports are taken from next_port upward, skipping any port something already listens on.
    expect(agent.port).toBeGreaterThanOrEqual(4097);
    expect(second.json().agent.port).toBeGreaterThan(agent.port);
  });

  it("takes an explicit id", async () => {
    const res = await create({ name: "Chef Bot", persona: "x", id: "chef" });
    expect(res.json().agent.id).toBe("chef");
  });

  it("refuses bad input naming the field", async () => {
    const cases: Array<[unknown, string]> = [
      [{ persona: "x" }, '"name"'],
      [{ name: "", persona: "x" }, '"name"'],
      [{ name: "x".repeat(65), persona: "x" }, '"name"'],
      [{ name: "A" }, '"persona"'],
      [{ name: "A", persona: "x".repeat(8 * 1024 + 1) }, '"persona"'],
      [{ name: "A", persona: "x", token: "abc" }, "token"],
      [{ name: "A", persona: "x", created_by: "me" }, '"created_by"'],
    ];
    for (const [body, field] of cases) {
      const res = await create(body);
      expect(res.statusCode, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(res.json().error.code).toBe("VALIDATION_ERROR");
      expect(res.json().error.message).toContain(field);
    }
    const badId = await create({ name: "A", persona: "x", id: "Bad Id!" });
    expect(badId.statusCode).toBe(400);
    expect(badId.json().error.code).toBe("INVALID_AGENT");
    const reserved = await create({ name: "A", persona: "x", id: "bobb" });
    expect(reserved.statusCode).toBe(400);
  });

  it("refuses a duplicate id or name with 409", async () => {
    expect((await create({ name: "Chef Bot", persona: "x" })).statusCode).toBe(201);
    const dupName = await create({ name: "chef bot", persona: "y", id: "other" });
    expect(dupName.statusCode).toBe(409);
    expect(dupName.json().error.code).toBe("AGENT_EXISTS");
    const dupId = await create({ name: "Another", persona: "y", id: "chef-bot" });
    expect(dupId.statusCode).toBe(409);
  });

  it("answers 413 for an oversized body", async () => {
    const res = await create({ name: "A", persona: "x".repeat(70 * 1024) });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe("BODY_TOO_LARGE");
  });
});

describe("reading agents", () => {
  beforeEach(async () => {
    await create({ name: "Chef Bot", persona: "Cooks pasta" });
    await create({ name: "Trump Bot", persona: "Talks about trade" });
  });

  it("lists, gets, lists pending and searches", async () => {
    const all = await h.app.inject({ method: "GET", url: "/api/registry/agents", headers: bearer(h.bobbKey) });
    expect(
      all
        .json()
        .agents.map((a: { id: string }) => a.id)
        .sort(),
    ).toEqual(["chef-bot", "trump-bot"]);
    const one = await h.app.inject({ method: "GET", url: "/api/registry/agents/chef-bot", headers: bearer(h.bobbKey) });
    expect(one.json().agent.name).toBe("Chef Bot");
    const pending = await h.app.inject({ method: "GET", url: "/api/registry/agents/pending", headers: bearer(h.bobbKey) });
    expect(pending.json().agents).toHaveLength(2);
    const search = await h.app.inject({ method: "GET", url: "/api/registry/agents/search?q=TRADE", headers: bearer(h.bobbKey) });
    expect(search.json().agents.map((a: { id: string }) => a.id)).toEqual(["trump-bot"]);
  });

  it("404s an unknown agent and 400s a search without q", async () => {
    const missing = await h.app.inject({ method: "GET", url: "/api/registry/agents/nobody", headers: bearer(h.bobbKey) });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error).toMatchObject({ code: "AGENT_NOT_FOUND", message: expect.stringContaining("nobody") });
    const noQ = await h.app.inject({ method: "GET", url: "/api/registry/agents/search", headers: bearer(h.bobbKey) });
    expect(noQ.statusCode).toBe(400);
    expect(noQ.json().error.message).toContain('"q"');
  });
});
