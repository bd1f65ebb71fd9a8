import { readFile } from "node:fs/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bearer, startApiHarness, type ApiHarness } from "../helpers/api.js";
import { DiscordSideError, type DiscordActions, type SendRequest } from "../../src/api/index.js";

/** Token-shaped canary: if it shows up anywhere but registry.json, something leaked. */
const CANARY = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GcAnRy.canary-token-0123456789abcdefghijkl";
const OTHER = "OTg3NjU0MzIxMDk4NzY1NDMyMQ.GoThEr.other-token-0123456789abcdefghijkl";

let h: ApiHarness;
beforeEach(async () => {
  h = await startApiHarness();
  await h.app.inject({ method: "POST", url: "/api/registry/agents", headers: bearer(h.bobbKey), payload: { name: "Chef Bot", persona: "Cooks" } });
});
afterEach(async () => {
  await h.close();
});

const put = (id: string, body: unknown, key = h.adminKey) =>
  h.app.inject({ method: "PUT", url: `/api/registry/agents/${id}`, headers: bearer(key), payload: body as object });

describe("PUT /api/registry/agents/:id", () => {
  it("stores a token, moves pending_token to ready_to_start, signals activation, never returns the token", async () => {
    const res = await put("chef-bot", { token: CANARY });
    expect(res.statusCode).toBe(200);
    expect(res.json().agent).toMatchObject({ status: "ready_to_start", has_token: true });
    expect(res.body).not.toContain(CANARY);
    expect(h.signals).toEqual([{ agentId: "chef-bot", reason: "token updated" }]);
    expect(h.registry.snapshot.agents["chef-bot"]!.token).toBe(CANARY);
  });

  it("updates persona and name, rewriting AGENTS.md", async () => {
    const res = await put("chef-bot", { name: "Chef", persona: "Only French food." });
    expect(res.json().agent).toMatchObject({ name: "Chef", persona: "Only French food." });
    const md = await readFile(`${h.dir}/agents/chef-bot/AGENTS.md`, "utf8");
    expect(md).toContain("Only French food.");
    expect(h.signals).toEqual([]);
  });

  it("refuses bad updates", async () => {
    expect((await put("nobody", { status: "active" })).statusCode).toBe(404);
    const empty = await put("chef-bot", {});
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.message).toContain("at least one of");
    const badStatus = await put("chef-bot", { status: "running" });
    expect(badStatus.statusCode).toBe(400);
    expect(badStatus.json().error.message).toContain('"status"');
    const noToken = await put("chef-bot", { status: "active" });
    expect(noToken.statusCode).toBe(400);
    const badToken = await put("chef-bot", { token: "not-a-token" });
    expect(badToken.json().error.message).toContain('"token"');
    const unknownField = await put("chef-bot", { port: 1 });
    expect(unknownField.statusCode).toBe(400);
  });

  it("refuses a token that another agent already uses with 409", async () => {
    await h.app.inject({ method: "POST", url: "/api/registry/agents", headers: bearer(h.bobbKey), payload: { name: "Pirate", persona: "Arr" } });
    expect((await put("chef-bot", { token: OTHER })).statusCode).toBe(200);
    const res = await put("pirate", { token: OTHER });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe("TOKEN_IN_USE");
    expect(res.body).not.toContain(OTHER);
  });
});

describe("discord routes", () => {
  it("answer 503 with a clear code while nothing is attached", async () => {
    const res = await h.app.inject({ method: "POST", url: "/api/discord/send", headers: bearer(h.bobbKey), payload: { channel_id: "1", content: "hi" } });
    expect(res.statusCode).toBe(503);
    expect(res.json().error.code).toBe("DISCORD_UNAVAILABLE");
  });

  it("send as the key's own agent and list members; bad input is 400", async () => {
    const sent: Array<{ agent: string; req: SendRequest }> = [];
    const actions: DiscordActions = {
      send: async (agent, req) => {
        sent.push({ agent, req });
        return { message_ids: ["42"], warnings: [] };
      },
      members: async () => [{ id: "1", name: "Chef Bot", bot: true }],
    };
    h.setDiscord(actions);
    const childKey = h.keys.issue("chef-bot", "child");
    const ok = await h.app.inject({
      method: "POST",
      url: "/api/discord/send",
      headers: bearer(childKey),
      payload: { channel_id: "100", content: "hello", mention_bots: ["Trump Bot"], reply_to: "5" },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ message_ids: ["42"], warnings: [] });
    expect(sent).toEqual([{ agent: "chef-bot", req: { channel_id: "100", content: "hello", mention_bots: ["Trump Bot"], reply_to: "5" } }]);
    const admin = await h.app.inject({ method: "POST", url: "/api/discord/send", headers: bearer(h.adminKey), payload: { channel_id: "1", content: "x" } });
    expect(admin.statusCode).toBe(200);
    expect(sent[1]!.agent).toBe("bobb");
    const members = await h.app.inject({ method: "GET", url: "/api/discord/members?channel_id=100", headers: bearer(childKey) });
    expect(members.json().members).toHaveLength(1);
    // Without channel_id an agent posts into its turn's conversation; the Discord side fills it in.
    const here = await h.app.inject({ method: "POST", url: "/api/discord/send", headers: bearer(childKey), payload: { content: "x" } });
    expect(here.statusCode).toBe(200);
    expect(sent[2]).toMatchObject({ agent: "chef-bot", req: { content: "x" } });
    for (const payload of [
      { channel_id: "abc", content: "x" },
      { channel_id: "1", content: "" },
      { channel_id: "1", content: "x", mention_bots: "Bob" },
    ]) {
      const bad = await h.app.inject({ method: "POST", url: "/api/discord/send", headers: bearer(childKey), payload });
      expect(bad.statusCode, JSON.stringify(payload)).toBe(400);
    }
    const badQuery = await h.app.inject({ method: "GET", url: "/api/discord/members?channel_id=x", headers: bearer(childKey) });
    expect(badQuery.json().error.message).toContain('"channel_id"');
  });

  it("maps errors from the discord side to their status", async () => {
    h.setDiscord({
      send: async () => {
        throw new DiscordSideError("UNKNOWN_BOT_NAME", 'no bot named "Nobody"');
      },
      members: async () => [],
    });
    const res = await h.app.inject({ method: "POST", url: "/api/discord/send", headers: bearer(h.bobbKey), payload: { channel_id: "1", content: "x" } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toEqual({ code: "UNKNOWN_BOT_NAME", message: 'no bot named "Nobody"' });
  });
});

describe("canary", () => {
  it("a token in the registry never appears in any response or log line", async () => {
    await put("chef-bot", { token: CANARY });
    const bodies: string[] = [];
    for (const [method, url] of [
      ["GET", "/api/registry/agents"],
      ["GET", "/api/registry/agents/chef-bot"],
      ["GET", "/api/registry/agents/pending"],
      ["GET", "/api/registry/agents/search?q=chef"],
      ["PUT", "/api/registry/agents/chef-bot"],
      ["GET", "/api/health"],
      // A token pasted into a query must not reach the request log either.
      ["GET", `/api/registry/agents/search?q=${CANARY}`],
    ] as const) {
      const res = await h.app.inject({ method, url, headers: bearer(h.adminKey), ...(method === "PUT" ? { payload: { status: "disabled" } } : {}) });
      bodies.push(res.body);
    }
    const file = await readFile(h.registry.file, "utf8");
    expect(file).toContain(CANARY);
    for (const body of bodies) expect(body).not.toContain(CANARY);
    expect(h.logs.length).toBeGreaterThan(0);
    for (const line of h.logs) expect(line).not.toContain(CANARY);
    expect(h.logs.some((line) => line.includes("[redacted token]"))).toBe(true);
  });
});
