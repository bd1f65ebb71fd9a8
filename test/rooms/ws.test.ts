import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_ROOM_LIMITS, type RoomLimits } from "../../src/rooms/index.js";
import { roomLimits } from "../../src/rooms-wiring.js";
import { loadConfig } from "../../src/config/index.js";
import { waitFor } from "../helpers/wait.js";
import { AgentWs, call, CHANNEL, startRoomsHarness, type RoomsHarness } from "../helpers/rooms.js";

/** Outside agents over a raw `ws` client (no project code in the agent), against the real rooms listener. */
describe("rooms over WebSocket", () => {
  let h: RoomsHarness;
  const sockets: AgentWs[] = [];
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.close();
    await h.close();
  });

  async function setup(limits: Partial<RoomLimits> = {}) {
    h = await startRoomsHarness({ limits });
    const room = await h.handle.rooms.open(CHANNEL, "900000000000000001");
    const a = await h.handle.rooms.createInvite(room.id, { label: "Alice's agent", mode: "auto" }, "x");
    const b = await h.handle.rooms.createInvite(room.id, { label: "Bob's agent", mode: "auto" }, "x");
    return { room, a, b };
  }
  async function connect(): Promise<AgentWs> {
    const ws = new AgentWs(h.url);
    sockets.push(ws);
    await ws.opened();
    return ws;
  }

  it("join → joined with members; messages both ways; agent_joined and agent_left", async () => {
    const { room, a, b } = await setup();
    const alice = await connect();
    alice.send({ type: "join", room: room.id, key: a.key, name: "Alice Helper" });
    const joined = await alice.next((f) => f.type === "joined", 5000, "joined");
    expect(joined).toMatchObject({ room: room.id, name: "Alice Helper", members: [expect.objectContaining({ name: "Alice Helper", presence: "connected" })] });

    const bob = await connect();
    bob.send({ type: "join", room: room.id, key: b.key });
    const bobJoined = await bob.next((f) => f.type === "joined");
    expect(bobJoined.members.map((m: { name: string }) => m.name).sort()).toEqual(["Alice Helper", "Bob's agent"]);
    expect(await alice.next((f) => f.type === "agent_joined" && f.name === "Bob's agent")).toMatchObject({ agent_id: bobJoined.agent_id });

    bob.send({ type: "message", content: "Hello Alice Helper, I'm Bob's agent" });
    expect(await bob.next((f) => f.type === "post")).toMatchObject({ status: "delivered", agent_id: bobJoined.agent_id });
    const got = await alice.next((f) => f.type === "message" && f.from === bobJoined.agent_id);
    expect(got).toMatchObject({ from_name: "Bob's agent", kind: "agent", content: "Hello Alice Helper, I'm Bob's agent" });
    h.say("hi both", { id: "900000000000000001", name: "Alice", kind: "human" });
    expect(await alice.next((f) => f.content === "hi both")).toMatchObject({ kind: "human", from_name: "Alice" });

    bob.close();
    expect(await alice.next((f) => f.type === "agent_left")).toMatchObject({ agent_id: bobJoined.agent_id, name: "Bob's agent" });
    expect((await h.handle.rooms.agents(room.id)).find((v) => v.name === "Bob's agent")?.presence).toBe("disconnected");
  });

  it("answers ping with pong; two missed pongs disconnect", async () => {
    const { room, a } = await setup({ pingIntervalMs: 100 });
    const ws = await connect();
    ws.send({ type: "join", room: room.id, key: a.key });
    await ws.next((f) => f.type === "joined");
    await ws.next((f) => f.type === "ping", 2000, "a ping");
    ws.send({ type: "ping" });
    await ws.next((f) => f.type === "pong");
    // Answered pings keep it open past several intervals.
    const pings = () => ws.frames.filter((f) => f.type === "ping").length;
    const start = pings();
    await ws.next(() => pings() >= start + 3, 3000, "three more pings");
    expect(ws.closed).toBeUndefined();
    ws.pong = false;
    const closed = await ws.whenClosed(3000);
    expect(closed.code).toBe(4005);
    expect(ws.frames.at(-1)).toMatchObject({ type: "error", code: "PING_TIMEOUT" });
  });

  it("closes a connection that sends no join within the timeout; the default is 5 s", async () => {
    expect(DEFAULT_ROOM_LIMITS.joinTimeoutMs).toBe(5000);
    expect(roomLimits(loadConfig({}).env).joinTimeoutMs).toBe(5000);
    expect(DEFAULT_ROOM_LIMITS.pingIntervalMs).toBe(30_000);
    await setup({ joinTimeoutMs: 200 });
    const ws = await connect();
    const closed = await ws.whenClosed(3000);
    expect(closed.code).toBe(4002);
    expect(ws.frames).toEqual([expect.objectContaining({ type: "error", code: "JOIN_TIMEOUT" })]);
  });

  it("refuses a bad key with an error frame and closes; a message before join is refused", async () => {
    const { room, a } = await setup();
    const ws = await connect();
    ws.send({ type: "message", content: "hi" });
    expect(await ws.next((f) => f.type === "error")).toMatchObject({ code: "UNAUTHORIZED" });
    ws.send({ type: "join", room: room.id, key: `${a.key}nope` });
    expect(await ws.next((f) => f.code === "KEY_UNKNOWN")).toMatchObject({ type: "error" });
    expect((await ws.whenClosed()).code).toBe(4001);
  });

  it("a second WebSocket on one key replaces the first", async () => {
    const { room, a } = await setup();
    const first = await connect();
    first.send({ type: "join", room: room.id, key: a.key });
    const one = await first.next((f) => f.type === "joined");
    const second = await connect();
    second.send({ type: "join", room: room.id, key: a.key });
    const two = await second.next((f) => f.type === "joined");
    expect(two.agent_id).toBe(one.agent_id);
    expect(await first.next((f) => f.type === "error")).toMatchObject({ code: "REPLACED" });
    expect((await first.whenClosed()).code).toBe(4003);
    h.say("only the new one hears this");
    expect(await second.next((f) => f.content === "only the new one hears this")).toBeTruthy();
    expect((await h.handle.rooms.agents(room.id))[0]?.presence).toBe("connected");
  });

  it("revoke disconnects a WebSocket agent and ends a REST long poll within a second; the key then dies", async () => {
    const { room, a, b } = await setup();
    const ws = await connect();
    ws.send({ type: "join", room: room.id, key: a.key });
    await ws.next((f) => f.type === "joined");
    await call(`${b.transports.rest}/heartbeat`, b.key, "POST");
    const polling = call(`${b.transports.rest}/messages?since=${encodeURIComponent(new Date(h.clock.now() + 60_000).toISOString())}&wait=30`, b.key);
    await waitFor(() => h.handle.rooms.longPolls(room.id) === 1, 5000, "the long poll to wait");
    const started = Date.now();
    expect(await h.handle.rooms.revoke(room.id, "Alice's agent")).toBe(true);
    expect(await h.handle.rooms.revokeInvite(room.id, b.invite.id)).toBe(true);
    const closed = await ws.whenClosed(1000);
    expect(closed.code).toBe(4004);
    const poll = await polling;
    expect(Date.now() - started).toBeLessThan(1000);
    expect([poll.status, poll.json.error.code]).toEqual([401, "KEY_REVOKED"]);
    const again = await connect();
    again.send({ type: "join", room: room.id, key: a.key });
    expect(await again.next((f) => f.type === "error")).toMatchObject({ code: "KEY_REVOKED" });
    expect(await h.handle.rooms.agents(room.id)).toEqual([]);
  });

  it("an ask-mode post over WebSocket is pending, then its agent alone is told it was delivered", async () => {
    const { room } = await setup();
    const ask = await h.handle.rooms.createInvite(room.id, { label: "Careful agent", mode: "ask" }, "x");
    const ws = await connect();
    ws.send({ type: "join", room: room.id, key: ask.key });
    await ws.next((f) => f.type === "joined");
    ws.send({ type: "message", content: "please approve me" });
    const answer = await ws.next((f) => f.type === "post");
    expect(answer.status).toBe("pending");
    expect(h.posts.at(-1)).toMatchObject({ post_id: answer.id, mode: "ask" });
    h.deliver(h.posts.at(-1)!);
    expect(await ws.next((f) => f.event === "post_status")).toMatchObject({ type: "system", post_id: answer.id, status: "delivered" });
    expect(await ws.next((f) => f.type === "message" && f.content === "please approve me")).toMatchObject({ from: answer.agent_id, kind: "agent" });
  });

  it("after a restart the agent reconnects with its key as the same agent", async () => {
    const { room, a } = await setup();
    const ws = await connect();
    ws.send({ type: "join", room: room.id, key: a.key, name: "Alice Helper" });
    const before = await ws.next((f) => f.type === "joined");
    await h.restart();
    expect((await ws.whenClosed()).code).toBe(1001);
    const again = await connect();
    again.send({ type: "join", room: room.id, key: a.key });
    expect(await again.next((f) => f.type === "joined")).toMatchObject({ agent_id: before.agent_id, name: "Alice Helper" });
  });

  it("pause reaches WebSocket agents as a system event saying who stopped it; their posts are refused", async () => {
    const { room, a } = await setup();
    const ws = await connect();
    ws.send({ type: "join", room: room.id, key: a.key });
    await ws.next((f) => f.type === "joined");
    h.handle.rooms.pause(CHANNEL.id, { id: "900000000000000001", name: "Alice" });
    expect(await ws.next((f) => f.type === "system" && f.event === "paused")).toMatchObject({ by: { name: "Alice" } });
    ws.send({ type: "message", content: "can I?" });
    expect(await ws.next((f) => f.type === "error")).toMatchObject({ code: "ROOM_PAUSED" });
    h.handle.rooms.resume(CHANNEL.id);
    expect(await ws.next((f) => f.event === "resumed")).toBeTruthy();
  });
});
