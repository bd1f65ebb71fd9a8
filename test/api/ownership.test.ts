import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bearer, HARNESS_AUTHOR, startApiHarness, type ApiHarness } from "../helpers/api.js";

/** Ownership rules and DELETE through the tool API: BoBB's key acts for the person of the live turn, the operator's key for the operator. */
let h: ApiHarness;
const OWNER = "700000000000000001";
const OTHER = "700000000000000002";
const TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GcAnRy.owner-token-0123456789abcdefghijkl";
const botGuilds: Record<string, string[]> = { "chef-bot": ["7"] };

beforeEach(async () => {
  h = await startApiHarness();
  h.setDiscord({
    send: async () => ({ message_ids: [], warnings: [] }),
    members: async () => [],
    botGuilds: (id) => botGuilds[id] ?? [],
    userName: (id) => (id === OWNER ? "ana" : undefined),
  });
  const res = await h.app.inject({
    method: "POST",
    url: "/api/registry/agents",
    headers: h.turn(h.bobbKey, { agentId: "bobb", authorId: OWNER }),
    payload: { name: "Chef Bot", persona: "Cooks" },
  });
  expect(res.json().agent.created_by).toBe(OWNER);
});
afterEach(async () => {
  await h.close();
});

const as = (authorId: string, extra: { guildId?: string; authorManagesGuild?: boolean } = {}) => h.turn(h.bobbKey, { agentId: "bobb", authorId, ...extra });
const put = (headers: Record<string, string>, body: object, id = "chef-bot") =>
  h.app.inject({ method: "PUT", url: `/api/registry/agents/${id}`, headers, payload: body });
const del = (headers: Record<string, string>, id = "chef-bot") => h.app.inject({ method: "DELETE", url: `/api/registry/agents/${id}`, headers });

describe("created_by", () => {
  it("is the turn's author for BoBB's key, whatever the body says; the operator may set it", async () => {
    const bobb = await h.app.inject({
      method: "POST",
      url: "/api/registry/agents",
      headers: bearer(h.bobbKey),
      payload: { name: "A", persona: "x", created_by: OTHER },
    });
    expect(bobb.json().agent.created_by).toBe(HARNESS_AUTHOR);
    const admin = await h.app.inject({
      method: "POST",
      url: "/api/registry/agents",
      headers: bearer(h.adminKey),
      payload: { name: "B", persona: "x", created_by: OTHER },
    });
    expect(admin.json().agent.created_by).toBe(OTHER);
  });
});

describe("who may change a bot", () => {
  it("its creator and a server manager of a guild the bot is in; nobody else, with a message naming who can", async () => {
    const refused = await put(as(OTHER), { name: "Evil Bot" });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error).toEqual({ code: "NOT_OWNER", message: "only ana or a server manager can change Chef Bot" });
    expect((await put(as(OTHER, { guildId: "8", authorManagesGuild: true }), { persona: "Evil" })).statusCode).toBe(403);
    expect((await put(as(OTHER, { guildId: "7", authorManagesGuild: false }), { persona: "Evil" })).statusCode).toBe(403);
    expect((await put(as(OTHER, { guildId: "7", authorManagesGuild: true }), { persona: "Managed" })).statusCode).toBe(200);
    expect((await put(as(OWNER), { name: "Chef" })).json().agent.name).toBe("Chef");
    expect((await put(bearer(h.adminKey), { persona: "Operator's" })).statusCode).toBe(200);
    expect(h.registry.snapshot.agents["chef-bot"]).toMatchObject({ name: "Chef", persona: "Operator's" });
  });

  it("a bot without a creator (made by the operator) is changed only by the operator or a server manager", async () => {
    await h.app.inject({ method: "POST", url: "/api/registry/agents", headers: bearer(h.adminKey), payload: { name: "House Bot", persona: "x" } });
    const refused = await put(as(OWNER), { persona: "mine now" }, "house-bot");
    expect(refused.json().error.message).toBe("only the operator or a server manager can change House Bot");
  });

  it("BoBB's key never sets a token and only disables or re-enables", async () => {
    const token = await put(as(OWNER), { token: TOKEN });
    expect(token.statusCode).toBe(403);
    expect(token.body).not.toContain(TOKEN);
    expect((await put(as(OWNER), { status: "active" })).statusCode).toBe(403);
    expect((await put(bearer(h.adminKey), { token: TOKEN })).statusCode).toBe(200);
    expect((await put(as(OWNER), { status: "disabled" })).json().agent.status).toBe("disabled");
    expect((await put(as(OWNER), { status: "ready_to_start" })).json().agent.status).toBe("ready_to_start");
  });

  it("renames and persona changes through BoBB are limited per bot and hour; the operator is not", async () => {
    for (let i = 0; i < 5; i++) expect((await put(as(OWNER), { persona: `v${i}` })).statusCode).toBe(200);
    const limited = await put(as(OWNER), { persona: "v5" });
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error).toMatchObject({ code: "RATE_LIMITED", message: expect.stringMatching(/Chef Bot .*try again in \d+ minutes/) });
    expect((await put(bearer(h.adminKey), { persona: "operator" })).statusCode).toBe(200);
  });
});

describe("DELETE /api/registry/agents/:id", () => {
  it("is refused to others, 404 for an unknown id, forbidden to child keys", async () => {
    expect((await del(as(OTHER))).json().error.code).toBe("NOT_OWNER");
    expect((await del(bearer(h.adminKey), "nobody")).statusCode).toBe(404);
    expect((await del(bearer(h.keys.issue("chef-bot", "child")))).statusCode).toBe(403);
    expect(h.registry.snapshot.agents["chef-bot"]).toBeDefined();
  });

  it("removes the entry and its token, keeps the folder under agents/.removed and says where", async () => {
    await put(bearer(h.adminKey), { token: TOKEN });
    const res = await del(bearer(h.adminKey));
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ removed: { id: "chef-bot", name: "Chef Bot" }, folder: expect.stringMatching(/^agents\/\.removed\/chef-bot-\d{8}T\d{6}Z$/) });
    expect(body.message).toContain(body.folder);
    expect(res.body).not.toContain(TOKEN);
    expect(h.registry.snapshot.agents["chef-bot"]).toBeUndefined();
    const kept = await readdir(path.join(h.dir, "agents", ".removed"));
    expect(kept).toEqual([path.basename(body.folder)]);
    expect((await stat(path.join(h.dir, "agents", ".removed", kept[0]!, "AGENTS.md"))).isFile()).toBe(true);
  });

  it("works for the creator through BoBB", async () => {
    const res = await del(as(OWNER));
    expect(res.statusCode).toBe(200);
    expect(h.registry.snapshot.agents["chef-bot"]).toBeUndefined();
  });
});

describe("the turn binding", () => {
  it("an agent's call with no session, an unknown one or another agent's is refused", async () => {
    const chefTurn = h.turn(h.keys.issue("chef-bot", "child"), { agentId: "chef-bot" });
    for (const headers of [
      { authorization: `Bearer ${h.bobbKey}` },
      { authorization: `Bearer ${h.bobbKey}`, "x-bobb-session": "ses_unknown" },
      { authorization: `Bearer ${h.bobbKey}`, "x-bobb-session": chefTurn["x-bobb-session"]! },
    ]) {
      const res = await h.app.inject({ method: "GET", url: "/api/registry/agents", headers });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe("NO_LIVE_TURN");
    }
    expect((await h.app.inject({ method: "GET", url: "/api/registry/agents", headers: bearer(h.adminKey) })).statusCode).toBe(200);
  });
});
