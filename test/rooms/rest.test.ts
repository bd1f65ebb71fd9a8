import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_ROOM_LIMITS } from "../../src/rooms/index.js";
import { AgentWs, call, CHANNEL, startRoomsHarness, type RoomsHarness } from "../helpers/rooms.js";
import { waitFor } from "../helpers/wait.js";

/** An outside agent over plain REST (fetch only), against the real rooms listener. */
describe("rooms over REST", () => {
  let h: RoomsHarness;
  let roomId: string;
  let key: string;
  let rest: string;
  beforeEach(async () => {
    h = await startRoomsHarness();
    roomId = (await h.handle.rooms.open(CHANNEL, "900000000000000001")).id;
    const invite = await h.handle.rooms.createInvite(roomId, { label: "Alice's agent", mode: "auto" }, "900000000000000001");
    key = invite.key;
    rest = invite.transports.rest;
  });
  afterEach(() => h.close());

  it("joins with the key of the block, introduces itself, reads what people say and its own delivered post", async () => {
    const sent = await call(`${rest}/messages`, key, "POST", { content: "Hi, I'm Alice's coding agent. @Chef Bot what's for dinner?" });
    expect(sent.status).toBe(201);
    expect(sent.json).toMatchObject({
      room_id: roomId,
      status: "delivered",
      type: "message",
      content: "Hi, I'm Alice's coding agent. @Chef Bot what's for dinner?",
    });
    expect(h.posts[0]).toMatchObject({ room_id: roomId, channel_id: CHANNEL.id, name: "Alice's agent", mode: "auto", member_id: sent.json.agent_id });
    h.say("Pasta tonight", { id: "700", name: "Chef Bot", kind: "bot" }, [sent.json.agent_id]);

    const read = await call(`${rest}/messages?since=2000-01-01T00:00:00Z`, key);
    expect(read.status).toBe(200);
    const messages = read.json.messages.filter((m: { type: string }) => m.type === "message");
    expect(messages.map((m: { from_name: string; kind: string }) => [m.from_name, m.kind])).toEqual([
      ["Alice's agent", "agent"],
      ["Chef Bot", "bot"],
    ]);
    expect(messages[0].from).toBe(sent.json.agent_id);
    expect(messages[1].mentions).toContain(sent.json.agent_id);
    expect(read.json.has_more).toBe(false);
    expect(read.json.next_since).toBe(messages[1].timestamp);

    const info = await call(rest, key);
    expect(info.json).toMatchObject({ id: roomId, name: "kitchen", you: sent.json.agent_id, paused: null });
    expect(info.json.members).toEqual([expect.objectContaining({ name: "Alice's agent", presence: "polling", transport: "rest" })]);
    const beat = await call(`${rest}/heartbeat`, key, "POST");
    expect(beat.json).toMatchObject({ ok: true, presence: "polling" });
  });

  it("pages with limit, has_more and next_since", async () => {
    await call(`${rest}/heartbeat`, key, "POST");
    for (let i = 0; i < 5; i++) {
      h.clock.advance(1);
      h.say(`message ${i}`);
    }
    const first = await call(`${rest}/messages?limit=3`, key);
    expect(first.json.messages.map((m: { content: string }) => m.content)).toEqual(["Alice's agent joined the room", "message 0", "message 1"]);
    expect(first.json.has_more).toBe(true);
    const rest2 = await call(`${rest}/messages?limit=10&since=${encodeURIComponent(first.json.next_since)}`, key);
    expect(rest2.json.messages.map((m: { content: string }) => m.content)).toEqual(["message 2", "message 3", "message 4"]);
    expect(rest2.json.has_more).toBe(false);
  });

  it("long-polls: a read with wait=30 returns the moment a message arrives", async () => {
    await call(`${rest}/heartbeat`, key, "POST"); // claims the invite before the read, so only the message wakes it
    const since = new Date(h.clock.now()).toISOString();
    const started = Date.now();
    const reading = call(`${rest}/messages?since=${encodeURIComponent(since)}&wait=30`, key);
    await waitFor(() => h.handle.rooms.longPolls(roomId) === 1, 5000, "the read to wait");
    h.clock.advance(5);
    h.say("are you there?");
    const read = await reading;
    expect(Date.now() - started).toBeLessThan(3000);
    expect(read.json.messages.map((m: { content: string }) => m.content)).toEqual(["are you there?"]);
  });

  it("refuses another room's id, a missing key, an unknown key and a bad since, each with its code", async () => {
    const badSince = await call(`${rest}/messages?since=yesterday`, key);
    expect([badSince.status, badSince.json.error.code]).toEqual([400, "VALIDATION_ERROR"]);
    expect(badSince.json.error.message).toMatch(/since.*ISO 8601/);
    const other = await h.handle.rooms.open({ id: "200000000000000002", guild_id: CHANNEL.guild_id, name: "hall" }, "x");
    const wrong = await call(`${h.url}/api/rooms/${other.id}`, key);
    expect(wrong.status).toBe(403);
    expect(wrong.json.error).toMatchObject({ code: "WRONG_ROOM", message: expect.stringContaining(roomId) });
    expect((await call(`${rest}/messages`, undefined)).json.error.code).toBe("UNAUTHORIZED");
    const unknown = await call(`${rest}/messages`, `ak_${"x".repeat(43)}`);
    expect([unknown.status, unknown.json.error.code]).toEqual([401, "KEY_UNKNOWN"]);
  });

  it("refuses a 5 KB message with 413 and the 31st message in a minute with 429 and Retry-After", async () => {
    const big = await call(`${rest}/messages`, key, "POST", { content: "x".repeat(5 * 1024) });
    expect(big.status).toBe(413);
    expect(big.json.error).toMatchObject({ code: "MESSAGE_TOO_LARGE", message: expect.stringContaining("4096") });
    for (let i = 1; i <= 30; i++) expect((await call(`${rest}/messages`, key, "POST", { content: `n${i}` })).status).toBe(201);
    const over = await call(`${rest}/messages`, key, "POST", { content: "n31" });
    expect(over.status).toBe(429);
    expect(over.json.error.code).toBe("RATE_LIMITED");
    expect(Number(over.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(h.posts).toHaveLength(30);
  });

  it("refuses a second read within the poll interval (default 1 s) with 429 and Retry-After", async () => {
    await h.close();
    h = await startRoomsHarness({ limits: { pollIntervalMs: DEFAULT_ROOM_LIMITS.pollIntervalMs } });
    expect(DEFAULT_ROOM_LIMITS.pollIntervalMs).toBe(1000);
    const room = await h.handle.rooms.open(CHANNEL, "x");
    const invite = await h.handle.rooms.createInvite(room.id, { label: "Quick", mode: "auto" }, "x");
    rest = invite.transports.rest;
    key = invite.key;
    expect((await call(`${rest}/messages`, key)).status).toBe(200);
    const again = await call(`${rest}/messages`, key);
    expect(again.status).toBe(429);
    expect(again.json.error.code).toBe("RATE_LIMITED");
    expect(again.headers.get("retry-after")).toBe("1");
  });

  it("scrubs tokens and neutralises @everyone, @here and role pings before the post leaves", async () => {
    const token = `${"M".repeat(24)}.${"G".repeat(6)}.${"a1B2c3".repeat(5)}`;
    await call(`${rest}/messages`, key, "POST", { content: `@everyone @here <@&123> look ${token} ${key}` });
    const content = h.posts[0]!.content;
    expect(content).not.toContain(token);
    expect(content).not.toContain(key);
    expect(content).not.toMatch(/@everyone|@here|<@&/);
    expect(content).toContain("[redacted token]");
  });

  it("an ask-mode post is pending, then the agent sees it delivered or rejected", async () => {
    const ask = await h.handle.rooms.createInvite(roomId, { label: "Bob's agent", mode: "ask" }, "x");
    const one = await call(`${rest}/messages`, ask.key, "POST", { content: "may I?" });
    expect([one.status, one.json.status]).toEqual([202, "pending"]);
    const two = await call(`${rest}/messages`, ask.key, "POST", { content: "and this?" });
    expect((await call(`${rest}/messages/${one.json.id}`, ask.key)).json.status).toBe("pending");
    h.deliver(h.posts.find((p) => p.post_id === one.json.id)!);
    h.handle.rooms.settle(two.json.id, "rejected");
    expect((await call(`${rest}/messages/${one.json.id}`, ask.key)).json.status).toBe("delivered");
    expect((await call(`${rest}/messages/${two.json.id}`, ask.key)).json.status).toBe("rejected");
    const read = await call(`${rest}/messages`, ask.key);
    const statuses = read.json.messages.filter((m: { event?: string }) => m.event === "post_status");
    expect(statuses.map((m: { post_id: string; status: string }) => [m.post_id, m.status])).toEqual([
      [one.json.id, "delivered"],
      [two.json.id, "rejected"],
    ]);
    // Another agent never sees someone else's post status, nor reads another agent's post.
    const others = await call(`${rest}/messages`, key);
    expect(others.json.messages.some((m: { event?: string }) => m.event === "post_status")).toBe(false);
    expect((await call(`${rest}/messages/${one.json.id}`, key)).json.error.code).toBe("POST_NOT_FOUND");
  });

  it("pause: agents get a system event saying who stopped it, posts are refused until resume", async () => {
    await call(`${rest}/heartbeat`, key, "POST");
    h.handle.rooms.pause(CHANNEL.id, { id: "900000000000000001", name: "Alice" });
    const refused = await call(`${rest}/messages`, key, "POST", { content: "still here" });
    expect([refused.status, refused.json.error.code]).toEqual([409, "ROOM_PAUSED"]);
    expect(refused.json.error.message).toContain("Alice said stop");
    const read = await call(`${rest}/messages`, key);
    expect(read.json.messages.at(-1)).toMatchObject({
      type: "system",
      event: "paused",
      by: { name: "Alice" },
      content: expect.stringContaining("Alice said stop"),
    });
    expect((await call(rest, key)).json.paused).toEqual({ by: "Alice" });
    h.handle.rooms.resume(CHANNEL.id);
    expect((await call(`${rest}/messages`, key, "POST", { content: "back" })).status).toBe(201);
  });

  it("a restart keeps rooms, invites and members; the agent reads what it missed with since", async () => {
    const first = await call(`${rest}/messages`, key, "POST", { content: "before the restart" });
    const before = await call(`${rest}/messages`, key);
    const since = before.json.next_since;
    await h.restart();
    const restUrl = `${h.url}/api/rooms/${roomId}`;
    expect(h.handle.rooms.roomOfChannel(CHANNEL.id)?.id).toBe(roomId);
    // The Discord side backfills the buffer from channel history; one message came while the agent was away.
    h.clock.advance(10);
    h.say("said while you were away");
    const after = await call(`${restUrl}/messages?since=${encodeURIComponent(since)}`, key);
    expect(after.status).toBe(200);
    expect(after.json.messages.map((m: { content: string }) => m.content)).toEqual(["said while you were away"]);
    const agents = await h.handle.rooms.agents(roomId);
    expect(agents).toEqual([
      expect.objectContaining({ id: first.json.agent_id, name: "Alice's agent", label: "Alice's agent", mode: "auto", transport: "rest" }),
    ]);
    // Last seen (the read before the restart) was kept, not the join time.
    expect(agents[0]!.last_seen! >= first.json.timestamp).toBe(true);
  });

  it("canary: the key, join link and join code are in no log line and no file, only their hashes", async () => {
    const invite = await h.handle.rooms.createInvite(roomId, { label: "Canary", mode: "auto" }, "x");
    const link = invite.join_url.split("/join/")[1]!;
    await call(`${rest}/messages`, key, "POST", { content: "hello" });
    await call(invite.join_url, undefined);
    const claimed = await call(`${h.url}/api/join`, undefined, "POST", { code: invite.join_code, name: "Canary Agent" });
    expect(claimed.status).toBe(201);
    await call(`${rest}/messages`, claimed.json.key, "POST", { content: "I am the canary" });
    await call(`${rest}/messages`, `${key}x`);
    const ws = new AgentWs(h.url);
    await ws.opened();
    ws.send({ type: "join", room: roomId, key: claimed.json.key });
    await ws.next((f) => f.type === "joined");
    ws.send({ type: "join", room: roomId, key: invite.key }); // a second join, refused
    await ws.next((f) => f.type === "error");
    ws.close();
    await h.restart();
    const secrets = [key, invite.key, link, invite.join_code, claimed.json.key];
    const log = h.logs.join("\n");
    expect(h.logs.length).toBeGreaterThan(3);
    for (const secret of secrets) expect(log).not.toContain(secret);
    const file = path.join(h.dir, "rooms.json");
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    for (const name of await readdir(h.dir, { recursive: true })) {
      const full = path.join(h.dir, name);
      if (!(await stat(full)).isFile()) continue;
      const text = await readFile(full, "utf8");
      for (const secret of secrets) expect(text).not.toContain(secret);
    }
    expect(await readFile(file, "utf8")).toMatch(/"key_hash": "[0-9a-f]{64}"/);
  });
});
