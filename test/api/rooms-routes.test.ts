import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bearer, startApiHarness, type ApiHarness } from "../helpers/api.js";
import { call, CHANNEL, startRoomsHarness, type RoomsHarness } from "../helpers/rooms.js";

/** The operator's rooms routes on the real tool API, over the real Rooms service and its listener. */
describe("operator rooms API", () => {
  let api: ApiHarness;
  let rooms: RoomsHarness;
  beforeEach(async () => {
    rooms = await startRoomsHarness({ bots: [{ id: "chef-bot", name: "Chef Bot", userId: "700000000000000007", description: "A chef." }] });
    api = await startApiHarness({
      rooms: () => rooms.handle.rooms,
      channelInfo: async (id) => (id === CHANNEL.id ? CHANNEL : undefined),
    });
  });
  afterEach(async () => {
    await api.close();
    await rooms.close();
  });
  const admin = () => ({ authorization: `Bearer ${api.adminKey}` });

  it("opens a room, creates an invite an agent joins with, lists agents, revokes and closes", async () => {
    const opened = await api.app.inject({ method: "POST", url: "/api/rooms", headers: admin(), payload: { channel_id: CHANNEL.id } });
    expect(opened.statusCode).toBe(201);
    const room = opened.json().room;
    expect(room).toEqual({ id: expect.stringMatching(/^room_/), channel_id: CHANNEL.id, name: "kitchen" });

    const made = await api.app.inject({
      method: "POST",
      url: `/api/rooms/${room.id}/invites`,
      headers: admin(),
      payload: { label: "Alice's agent", mode: "ask" },
    });
    expect(made.statusCode).toBe(201);
    const invite = made.json();
    expect(Object.keys(invite).sort()).toEqual(["block", "invite", "join_code", "join_url", "key", "transports"]);
    expect(invite.invite).toEqual({ id: expect.stringMatching(/^inv_/), label: "Alice's agent", mode: "ask", expires_at: expect.any(String) });
    expect(invite.block).toContain(invite.key);
    const mcp = `${rooms.url}/mcp/${room.id}`;
    const card = `${rooms.url}/a2a/${room.id}/chef-bot/.well-known/agent-card.json`;
    expect(invite.transports).toEqual({
      mcp: { url: mcp, url_with_key: `${mcp}/${invite.key}` },
      a2a: [{ bot: "Chef Bot", card_url: card }],
      rest: `${rooms.url}/api/rooms/${room.id}`,
      ws: `${rooms.url.replace("http", "ws")}/ws`,
    });
    // MCP is offered first, with the exact Claude Code and OpenCode lines; then A2A with each bot's card, REST, WebSocket.
    const order = ["Option 0: MCP", "Option 1: A2A", "Option 2: REST", "Option 3: WebSocket"].map((t) => invite.block.indexOf(t));
    expect(order.every((i: number) => i >= 0) && order.every((i: number, n: number) => n === 0 || i > order[n - 1]!)).toBe(true);
    expect(invite.block).toContain(`- Chef Bot: ${card}`);
    expect((await call(card, undefined)).json.name).toBe("Chef Bot");
    expect(invite.block).toContain(`claude mcp add --transport http bobb-room ${mcp} --header "Authorization: Bearer ${invite.key}"`);
    expect(invite.block).toContain(`"mcp":{"bobb-room":{"type":"remote","url":"${mcp}/${invite.key}"}}`);

    expect((await call(`${invite.transports.rest}/heartbeat`, invite.key, "POST")).status).toBe(200);
    const agents = await api.app.inject({ method: "GET", url: `/api/rooms/${room.id}/agents`, headers: admin() });
    expect(agents.json().agents).toEqual([
      {
        id: expect.stringMatching(/^agt_/),
        name: "Alice's agent",
        label: "Alice's agent",
        mode: "ask",
        transport: "rest",
        presence: "polling",
        last_seen: expect.any(String),
      },
    ]);

    const revoked = await api.app.inject({ method: "DELETE", url: `/api/rooms/${room.id}/invites/${invite.invite.id}`, headers: admin() });
    expect(revoked.json()).toEqual({ revoked: true, invite_id: invite.invite.id });
    expect((await call(invite.transports.rest, invite.key)).json.error.code).toBe("KEY_REVOKED");
    const twice = await api.app.inject({ method: "DELETE", url: `/api/rooms/${room.id}/invites/${invite.invite.id}`, headers: admin() });
    expect([twice.statusCode, twice.json().error.code]).toEqual([404, "INVITE_NOT_FOUND"]);

    expect((await api.app.inject({ method: "DELETE", url: `/api/rooms/${room.id}`, headers: admin() })).json()).toEqual({ closed: true, room_id: room.id });
    const gone = await api.app.inject({ method: "GET", url: `/api/rooms/${room.id}/agents`, headers: admin() });
    expect([gone.statusCode, gone.json().error.code]).toEqual([404, "ROOM_NOT_FOUND"]);
    // The invite's key, link and code went through no log line.
    for (const secret of [invite.key, invite.join_code, invite.join_url]) expect(api.logs.join("\n")).not.toContain(secret);
  });

  it("refuses agents' keys, bad input and unknown channels with clear errors", async () => {
    const asBobb = await api.app.inject({ method: "POST", url: "/api/rooms", headers: bearer(api.bobbKey), payload: { channel_id: CHANNEL.id } });
    expect([asBobb.statusCode, asBobb.json().error.code]).toEqual([403, "FORBIDDEN"]);
    const bad = await api.app.inject({ method: "POST", url: "/api/rooms", headers: admin(), payload: { channel_id: "kitchen" } });
    expect(bad.json().error).toMatchObject({ code: "VALIDATION_ERROR", message: expect.stringContaining("channel_id") });
    const unknown = await api.app.inject({ method: "POST", url: "/api/rooms", headers: admin(), payload: { channel_id: "12345" } });
    expect([unknown.statusCode, unknown.json().error.code]).toEqual([404, "NOT_FOUND"]);
    const room = (await api.app.inject({ method: "POST", url: "/api/rooms", headers: admin(), payload: { channel_id: CHANNEL.id } })).json().room;
    const mode = await api.app.inject({ method: "POST", url: `/api/rooms/${room.id}/invites`, headers: admin(), payload: { label: "x", mode: "never" } });
    expect(mode.json().error).toMatchObject({ code: "VALIDATION_ERROR", message: expect.stringContaining("mode") });
    await api.app.inject({ method: "POST", url: `/api/rooms/${room.id}/invites`, headers: admin(), payload: { label: "twin" } });
    const twin = await api.app.inject({ method: "POST", url: `/api/rooms/${room.id}/invites`, headers: admin(), payload: { label: "twin" } });
    expect([twin.statusCode, twin.json().error.code]).toEqual([409, "LABEL_TAKEN"]);
    const noRoom = await api.app.inject({ method: "POST", url: "/api/rooms/room_nope/invites", headers: admin(), payload: { label: "y" } });
    expect([noRoom.statusCode, noRoom.json().error.code]).toEqual([404, "ROOM_NOT_FOUND"]);
    const kind = await api.app.inject({ method: "POST", url: `/api/rooms/${room.id}/invites`, headers: admin(), payload: { label: "z", for: "smoke" } });
    expect(kind.json().error).toMatchObject({ code: "VALIDATION_ERROR", message: expect.stringContaining("for") });
  });

  it("an invite for one kind of agent gets a block with only that kind's way to connect", async () => {
    const room = (await api.app.inject({ method: "POST", url: "/api/rooms", headers: admin(), payload: { channel_id: CHANNEL.id } })).json().room;
    const made = await api.app.inject({ method: "POST", url: `/api/rooms/${room.id}/invites`, headers: admin(), payload: { label: "cc", for: "claude-code" } });
    expect(made.statusCode).toBe(201);
    const invite = made.json();
    const mcp = `${rooms.url}/mcp/${room.id}`;
    expect(invite.block).toContain(`claude mcp add --transport http bobb-room ${mcp} --header "Authorization: Bearer ${invite.key}"`);
    expect(invite.block).not.toContain('"bobb-room":{"type":"remote"');
    expect(invite.block).not.toContain(`${invite.transports.rest}/messages`);
    expect(invite.block).not.toContain(invite.transports.ws);
    expect(invite.block).toContain("## Rules");
    // The answer's transports stay complete: the operator may still hand out another way.
    expect(invite.transports.ws).toBe(`${rooms.url.replace("http", "ws")}/ws`);
  });
});
