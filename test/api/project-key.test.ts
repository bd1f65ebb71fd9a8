import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SESSION_HEADER, type SendRequest } from "../../src/api/index.js";
import { startApiHarness, type ApiHarness } from "../helpers/api.js";

/**
 * Project mode: every child bot's tools present one project key. The API acts as the bot whose
 * prompt runs in the session the tool sent (the bridge's record, here a map), and as no one else.
 */
let h: ApiHarness;
const running = new Map<string, string>();
const sent: Array<{ agentId: string; request: SendRequest }> = [];
let projectKey: string;

beforeEach(async () => {
  running.clear();
  sent.length = 0;
  h = await startApiHarness({ sessionAgent: (id) => running.get(id) });
  h.setDiscord({ send: async (agentId, request) => (sent.push({ agentId, request }), { message_ids: ["1"], warnings: [] }), members: async () => [] });
  projectKey = h.keys.issue("_bots", "project");
  h.keys.issue("chef", "child");
  h.keys.issue("pirate", "child");
});
afterEach(async () => {
  await h.close();
});

/** A live turn of `agentId` whose prompt runs in a session, as the bridge would record it. */
function liveSession(agentId: string): string {
  const headers = h.turn("unused", { agentId });
  const session = headers[SESSION_HEADER]!;
  running.set(session, agentId);
  return session;
}

const send = (session: string | undefined, body: Record<string, unknown> = { content: "hello" }) =>
  h.app.inject({
    method: "POST",
    url: "/api/discord/send",
    headers: { authorization: `Bearer ${projectKey}`, ...(session ? { [SESSION_HEADER]: session } : {}) },
    payload: body,
  });

describe("the project key", () => {
  it("acts as the bot whose prompt runs in the calling session, and only as it", async () => {
    const chef = liveSession("chef");
    const pirate = liveSession("pirate");
    expect((await send(chef)).statusCode).toBe(200);
    expect((await send(pirate, { content: "arr" })).statusCode).toBe(200);
    expect(sent.map((s) => [s.agentId, s.request.content])).toEqual([
      ["chef", "hello"],
      ["pirate", "arr"],
    ]);
  });

  it("is no one without a live session, for a stopped bot, or in BoBB's session", async () => {
    const chef = liveSession("chef");
    const bobb = liveSession("bobb");
    for (const session of [undefined, "ses_unknown", bobb]) {
      const res = await send(session);
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe("NO_LIVE_TURN");
    }
    h.keys.revoke("chef");
    expect((await send(chef)).json().error.code).toBe("NO_LIVE_TURN");
    expect(sent).toEqual([]);
  });

  it("has a child's scope: no registry writes", async () => {
    const chef = liveSession("chef");
    const res = await h.app.inject({
      method: "POST",
      url: "/api/registry/agents",
      headers: { authorization: `Bearer ${projectKey}`, [SESSION_HEADER]: chef },
      payload: { name: "Evil Bot", persona: "evil" },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe("FORBIDDEN");
  });
});
