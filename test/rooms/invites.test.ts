import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { call, CHANNEL, startRoomsHarness, type RoomsHarness } from "../helpers/rooms.js";

const HOUR = 3_600_000;

/** Invites: the key of the block, the join link (BotJoin) and the join code (magi-exchange), and their refusals. */
describe("room invites", () => {
  let h: RoomsHarness;
  let roomId: string;
  beforeEach(async () => {
    h = await startRoomsHarness({ limits: { agentsPerRoom: 3, invitesPerRoom: 4 } });
    roomId = (await h.handle.rooms.open(CHANNEL, "900000000000000001")).id;
  });
  afterEach(() => h.close());
  const invite = (label: string, mode: "auto" | "ask" = "auto") => h.handle.rooms.createInvite(roomId, { label, mode }, "900000000000000001");

  it("creates the block with this server's URLs, the room, the key, both transports and the rules", async () => {
    const created = await invite("Alice's agent");
    expect(created.key).toMatch(/^ak_[A-Za-z0-9_-]{43}$/);
    expect(created.join_code).toMatch(/^[A-Z2-9]{6}$/);
    expect(created.join_url).toMatch(new RegExp(`^${h.url}/join/[A-Za-z0-9_-]{32}$`));
    expect(created.transports).toEqual({
      mcp: { url: `${h.url}/mcp/${roomId}`, url_with_key: `${h.url}/mcp/${roomId}/${created.key}` },
      a2a: [],
      rest: `${h.url}/api/rooms/${roomId}`,
      ws: `${h.url.replace("http", "ws")}/ws`,
    });
    expect(Date.parse(created.invite.expires_at) - h.clock.now()).toBeGreaterThan(71 * HOUR);
    for (const text of [
      roomId,
      created.key,
      `POST ${h.url}/api/rooms/${roomId}/messages`,
      `${h.url}/mcp/${roomId}`,
      "wait=30",
      `${h.url.replace("http", "ws")}/ws`,
      "Introduce yourself",
      "@Chef Bot",
      "answer only when they are mentioned",
      "30 messages a minute",
      "4 KB",
      '"stop"',
      "after 8 turns",
    ]) {
      expect(created.block).toContain(text);
    }
    expect(h.handle.rooms.roomOfChannel(CHANNEL.id)).toMatchObject({ id: roomId, name: "kitchen" });
    expect(await h.handle.rooms.open(CHANNEL, "someone else")).toMatchObject({ id: roomId });
  });

  it("the join link: GET is the block without a key; POST claims it and returns the key once", async () => {
    const created = await invite("Link agent");
    const page = await call(created.join_url, undefined);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/markdown");
    expect(page.json).toContain(roomId);
    expect(page.json).toContain(`POST ${created.join_url}`);
    expect(page.json).not.toMatch(/ak_[A-Za-z0-9_-]{20,}/);
    const claimed = await call(created.join_url, undefined, "POST", { name: "Linky" });
    expect(claimed.status).toBe(201);
    expect(claimed.json).toMatchObject({
      room: { id: roomId },
      agent: { name: "Linky" },
      transports: { ...created.transports, mcp: { url: created.transports.mcp.url, url_with_key: `${created.transports.mcp.url}/${claimed.json.key}` } },
    });
    expect(claimed.json.key).toMatch(/^ak_/);
    expect(claimed.json.key).not.toBe(created.key);
    expect(claimed.json.block).toContain(claimed.json.key);
    expect((await call(`${created.transports.rest}/messages`, claimed.json.key, "POST", { content: "hi" })).status).toBe(201);
    // Used once: the link, the code and the block's key are all spent.
    const again = await call(created.join_url, undefined, "POST", { name: "Other" });
    expect([again.status, again.json.error.code]).toEqual([409, "CODE_CLAIMED"]);
    expect((await call(created.join_url, undefined)).json.error.code).toBe("CODE_CLAIMED");
    expect((await call(`${h.url}/api/join`, undefined, "POST", { code: created.join_code })).json.error.code).toBe("CODE_CLAIMED");
    const blockKey = await call(created.transports.rest, created.key);
    expect([blockKey.status, blockKey.json.error.code]).toEqual([401, "KEY_CLAIMED"]);
    expect(blockKey.json.error.message).toContain("join link");
  });

  it("the join code: exchanged once for a key, lower case and dashes accepted; refused claimed, expired, revoked and unknown", async () => {
    const created = await invite("Code agent");
    const typed = `${created.join_code.slice(0, 3).toLowerCase()}-${created.join_code.slice(3)}`;
    const claimed = await call(`${h.url}/api/join`, undefined, "POST", { code: typed, name: "Cody" });
    expect(claimed.status).toBe(201);
    expect(claimed.json.agent.name).toBe("Cody");
    const twice = await call(`${h.url}/api/join`, undefined, "POST", { code: created.join_code });
    expect([twice.status, twice.json.error.code]).toEqual([409, "CODE_CLAIMED"]);

    const late = await invite("Late agent");
    h.clock.advance(31 * 60_000);
    const expired = await call(`${h.url}/api/join`, undefined, "POST", { code: late.join_code });
    expect([expired.status, expired.json.error.code]).toEqual([410, "CODE_EXPIRED"]);
    expect(expired.json.error.message).toMatch(/30 minutes/);
    // The key and link of that invite still work until the invite's own 72 h.
    expect((await call(late.join_url, undefined)).status).toBe(200);

    const gone = await invite("Gone agent");
    await h.handle.rooms.revokeInvite(roomId, gone.invite.id);
    expect((await call(`${h.url}/api/join`, undefined, "POST", { code: gone.join_code })).json.error.code).toBe("CODE_REVOKED");
    expect((await call(gone.join_url, undefined)).json.error.code).toBe("CODE_REVOKED");
    expect((await call(`${h.url}/api/join`, undefined, "POST", { code: "ZZZZZZ" })).json.error.code).toBe("CODE_UNKNOWN");
    expect((await call(`${h.url}/api/join`, undefined, "POST", {})).json.error).toMatchObject({
      code: "VALIDATION_ERROR",
      message: expect.stringContaining("code"),
    });
  });

  it("join links and codes are tried at most 10 times a minute per address (429 with Retry-After)", async () => {
    const answers = [];
    for (let i = 0; i < 11; i++) answers.push(await call(`${h.url}/api/join`, undefined, "POST", { code: `ZZZZZ${i % 10}` }));
    expect(answers.slice(0, 10).map((a) => a.json.error.code)).toEqual(Array(10).fill("CODE_UNKNOWN"));
    expect([answers[10]!.status, answers[10]!.json.error.code]).toEqual([429, "RATE_LIMITED"]);
    expect(Number(answers[10]!.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("keys: expire unclaimed after 72 h, are refused once revoked, and stay bound to their claimer", async () => {
    const stale = await invite("Stale agent");
    const used = await invite("Used agent");
    expect((await call(`${used.transports.rest}/heartbeat`, used.key, "POST")).status).toBe(200);
    h.clock.advance(72 * HOUR + 1000);
    const expired = await call(stale.transports.rest, stale.key);
    expect([expired.status, expired.json.error.code]).toEqual([401, "KEY_EXPIRED"]);
    expect((await call(stale.join_url, undefined)).json.error.code).toBe("CODE_EXPIRED");
    // A claimed key does not expire.
    expect((await call(used.transports.rest, used.key)).status).toBe(200);
    await h.handle.rooms.revoke(roomId, "used agent");
    const revoked = await call(used.transports.rest, used.key);
    expect([revoked.status, revoked.json.error.code]).toEqual([401, "KEY_REVOKED"]);
  });

  it("limits: invites per room, agents per room, unique labels; closing a room kills its keys", async () => {
    const created = [await invite("one"), await invite("two"), await invite("three"), await invite("four")];
    await expect(invite("five")).rejects.toMatchObject({ code: "INVITE_LIMIT" });
    await h.handle.rooms.revoke(roomId, "four");
    await expect(invite("ONE")).rejects.toMatchObject({ code: "LABEL_TAKEN" });
    const fourth = await invite("five");
    for (const c of created.slice(0, 3)) expect((await call(`${c.transports.rest}/heartbeat`, c.key, "POST")).status).toBe(200);
    const full = await call(`${fourth.transports.rest}/heartbeat`, fourth.key, "POST");
    expect([full.status, full.json.error.code]).toEqual([409, "ROOM_FULL"]);
    await h.handle.rooms.close(roomId);
    expect(h.handle.rooms.roomOfChannel(CHANNEL.id)).toBeUndefined();
    expect((await call(created[0]!.transports.rest, created[0]!.key)).json.error.code).toBe("KEY_UNKNOWN");
  });

  it("names: an agent cannot call itself BoBB, a bot or a person of the channel, nor take another agent's name", async () => {
    const a = await invite("A");
    const b = await invite("Chef Bot"); // a label that collides gets a safe variant
    for (const [name, code] of [
      ["B.o.B.B", "NAME_RESERVED"],
      ["chef  bot", "NAME_RESERVED"],
      ["ALICE", "NAME_RESERVED"],
      ["@everyone", "VALIDATION_ERROR"],
      ["x", "VALIDATION_ERROR"],
    ] as const) {
      const refused = await call(`${a.transports.rest}/heartbeat`, a.key, "POST", { name });
      expect([refused.status, refused.json.error.code, name]).toEqual([code === "VALIDATION_ERROR" ? 400 : 409, code, name]);
    }
    expect((await call(`${a.transports.rest}/heartbeat`, a.key, "POST", { name: "Sous Chef" })).json.name).toBe("Sous Chef");
    expect((await call(`${b.transports.rest}/heartbeat`, b.key, "POST", { name: "sous-chef" })).json.error.code).toBe("NAME_TAKEN");
    expect((await call(`${b.transports.rest}/heartbeat`, b.key, "POST")).json.name).toBe("Chef Bot (agent)");
  });
});
