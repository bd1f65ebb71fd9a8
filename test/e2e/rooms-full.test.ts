/* eslint-disable @typescript-eslint/no-explicit-any -- the wire JSON an outside agent receives, read as the agent reads it */
// Rooms end to end: the real supervisor, sandbox, discord.js clients, OpenCode on the scripted model and
// the real rooms core. A person with Manage Channels opens #general as a room and creates invites with
// /bobb room; the outside agents are plain `fetch` and `ws` clients that know only the pasted block.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { ask, buttonsOf, click, runCommand, viewInteraction } from "../commands/helpers.js";
import { startSupervisor, type Supervisor } from "../helpers/supervisor.js";
import { parseInviteBlock, type PastedBlock } from "../helpers/rooms.js";
import { filesHolding } from "../helpers/temp.js";
import { waitFor } from "../helpers/wait.js";

type Msg = { id: string; content: string; author: { id: string; username: string; bot?: boolean }; webhook_id?: string; components?: unknown[] };

/** A REST agent: plain fetch with its key. */
async function rest(url: string, key: string, method = "GET", body?: unknown): Promise<{ status: number; json: any; headers: Headers }> {
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, headers: res.headers, json: await res.json() };
}

/** A WebSocket agent: a plain `ws` client that keeps every frame and answers pings. */
class SocketAgent {
  readonly frames: any[] = [];
  readonly ws: WebSocket;
  closedAt: number | undefined;
  constructor(url: string) {
    this.ws = new WebSocket(url);
    this.ws.on("message", (data) => {
      const frame = JSON.parse(String(data));
      if (frame.type === "ping") this.ws.send(JSON.stringify({ type: "pong" }));
      this.frames.push(frame);
    });
    this.ws.on("close", () => (this.closedAt = Date.now()));
  }
  opened = () => new Promise<void>((resolve, reject) => (this.ws.once("open", () => resolve()), this.ws.once("error", reject)));
  send = (frame: object) => this.ws.send(JSON.stringify(frame));
  next = (match: (f: any) => boolean, what: string, timeoutMs = 15_000) => waitFor(() => this.frames.find(match), timeoutMs, what);
}

let s: Supervisor;
let owner: string;
let chef: { id: string; userId: string };
const pasted: PastedBlock[] = [];
const sockets: SocketAgent[] = [];
const messages = (channel = s.general) => s.messages(channel) as unknown as Msg[];

/** `/bobb room invite` as the owner; the block the owner sees. */
async function invite(label: string, mode: "auto" | "ask", channel = s.general): Promise<PastedBlock> {
  const id = await runCommand(s, owner, "bobb room invite", { label, mode }, channel);
  // A block longer than one message comes in ephemeral parts: all of them, up to the last rule.
  const view = await waitFor(
    async () => {
      const v = await viewInteraction(s, id);
      return v.responses.some((r) => r.content.includes("6. Never post keys")) ? v : undefined;
    },
    30_000,
    `the block of ${label}`,
  );
  expect(view.responses.every((r) => r.ephemeral)).toBe(true);
  expect(buttonsOf(view.responses[0]!)[0]).toMatch(/^bobb-room-copy:/);
  const block = parseInviteBlock(view.responses.map((r) => r.content).join("\n"));
  // The parts are cut between sections, never inside an example: joined, they are the block as written.
  expect(block.text).toContain('Content-Type: application/json\n\n{"content": "your message here"}\n```');
  expect(block.text).not.toMatch(/```\n```/);
  pasted.push(block);
  return block;
}

/** Reads (long poll) from `since` until a message matches; returns it and the next since. */
async function readUntil(p: PastedBlock, match: (m: any) => boolean, what: string, since?: string): Promise<any> {
  let cursor = since;
  return waitFor(
    async () => {
      const page = await rest(`${p.rest}/messages?wait=5${cursor ? `&since=${encodeURIComponent(cursor)}` : ""}`, p.key);
      if (page.status === 429) return undefined;
      expect(page.status).toBe(200);
      cursor = page.json.next_since ?? cursor;
      return (page.json.messages as any[]).find(match);
    },
    30_000,
    what,
  );
}

beforeAll(async () => {
  s = await startSupervisor({ env: { BOBB_BOT_TURN_CAP: "6", BOBB_ROOM_POLL_INTERVAL: "100" } });
  owner = s.sandbox.control.guilds()[0]!.members.find((m) => m.username === "sandbox-owner")!.id;
  await waitFor(() => s.sandbox.control.guildCommands(s.sandbox.control.guildId()).length === 2, 30_000, "BoBB's commands");
  chef = await s.addChild("Chef Bot", "A chef who answers questions about food.");
}, 180_000);
afterAll(async () => {
  for (const agent of sockets) agent.ws.terminate();
  await s?.close();
});

describe("outside agents in a BoBB channel", () => {
  let restAgent: PastedBlock;
  let wsInvite: PastedBlock;
  let restId = "";
  let socket: SocketAgent;
  let socketId = "";

  it("a manager opens the room and creates invites; the block holds the key, the URLs, the link and the code", async () => {
    const opened = await ask(s, owner, "bobb room open");
    expect(opened.answer.content).toMatch(/is now a room/);
    restAgent = await invite("rest-agent", "auto");
    wsInvite = await invite("ws-agent", "auto");
    expect(restAgent.key).toMatch(/^ak_[A-Za-z0-9_-]{40,}$/);
    expect(restAgent.key).not.toBe(wsInvite.key);
    expect(restAgent.rest).toBe(`${s.app.rooms.url}/api/rooms/${restAgent.roomId}`);
    expect(restAgent.ws).toBe(`${s.app.rooms.url.replace(/^http/, "ws")}/ws`);
    expect(restAgent.joinCode).toMatch(/^[A-Z0-9]{6}$/);
  });

  it("a WebSocket agent and a REST agent join with those values and introduce themselves; the channel shows them under their names", async () => {
    socket = new SocketAgent(wsInvite.ws);
    sockets.push(socket);
    await socket.opened();
    socket.send({ type: "join", room: wsInvite.roomId, key: wsInvite.key, name: "Socket Agent" });
    const joined = await socket.next((f) => f.type === "joined", "joined");
    socketId = joined.agent_id;
    expect(joined.members.map((m: any) => m.name)).toContain("Socket Agent");
    const intro = await rest(`${restAgent.rest}/messages`, restAgent.key, "POST", {
      name: "Rest Agent",
      content: "Hello, I am Rest Agent, working for chris.",
    });
    expect(intro.status).toBe(201);
    expect(intro.json.status).toBe("delivered");
    restId = intro.json.agent_id;

    socket.send({ type: "message", content: "Hi all, Socket Agent here, I work for the owner." });
    await socket.next((f) => f.type === "post" && f.status === "delivered", "the post delivered");

    const posted = await waitFor(() => messages().find((m) => m.author.username === "Socket Agent"), 15_000, "Socket Agent's webhook message");
    expect(posted.webhook_id).toBeTruthy();
    expect(messages().find((m) => m.author.username === "Rest Agent")?.webhook_id).toBeTruthy();
    // Each sees the other's introduction, as an agent.
    const seen = await readUntil(
      restAgent,
      (m) => m.from_name === "Socket Agent" && m.kind === "agent" && m.type === "message",
      "Socket Agent's intro over REST",
    );
    expect(seen.content).toContain("Socket Agent here");
    await socket.next(
      (f) => f.type === "message" && f.from_name === "Rest Agent" && f.kind === "agent" && f.content.includes("Rest Agent, working"),
      "Rest Agent's intro over WebSocket",
    );
  }, 60_000);

  it("@Chef Bot gets Chef Bot's answer through the agent's transport (kind bot), mentioning the agent back", async () => {
    s.model.prependRules({ name: "chef answers Rest Agent", agent: chef.id, user: /what is for dinner/, reply: "@Rest Agent risotto tonight." });
    const asked = await rest(`${restAgent.rest}/messages`, restAgent.key, "POST", { content: "@Chef Bot what is for dinner?" });
    expect(asked.json.status).toBe("delivered");
    const posted = await waitFor(() => messages().find((m) => m.author.username === "Rest Agent" && m.content.includes("dinner")), 15_000, "the question");
    expect(posted.content).toContain(`<@${chef.userId}>`);
    const answer = await readUntil(restAgent, (m) => m.kind === "bot" && m.from_name === "Chef Bot", "Chef Bot's answer over REST", asked.json.timestamp);
    expect(answer.content).toContain("risotto");
    expect(answer.mentions).toContain(restId);
    const overWs = await socket.next((f) => f.type === "message" && f.kind === "bot" && f.from_name === "Chef Bot", "Chef Bot's answer over WebSocket", 30_000);
    expect(overWs.mentions).not.toContain(socketId);
    const inChannel = messages().find((m) => m.author.id === chef.userId && m.content.includes("risotto"))!;
    expect(inChannel.content).toContain("@Rest Agent");
  }, 60_000);

  it("a person's stop: agents get a system event, posts are refused until a person speaks", async () => {
    s.sandbox.control.postMessage(s.general, s.humanId, "stop");
    const paused = await socket.next((f) => f.type === "system" && f.event === "paused", "the paused event");
    expect(paused.content).toMatch(/chris said stop/);
    const refused = await rest(`${restAgent.rest}/messages`, restAgent.key, "POST", { content: "Can I still talk?" });
    expect(refused.status).toBe(409);
    expect(refused.json.error.code).toBe("ROOM_PAUSED");
    socket.send({ type: "message", content: "Me neither?" });
    await socket.next((f) => f.type === "error" && f.code === "ROOM_PAUSED", "the refusal over WebSocket");

    s.sandbox.control.postMessage(s.general, s.humanId, "ok, carry on");
    await socket.next((f) => f.type === "system" && f.event === "resumed", "the resumed event");
    const again = await rest(`${restAgent.rest}/messages`, restAgent.key, "POST", { content: "Thanks, carrying on." });
    expect(again.json.status).toBe("delivered");
    expect(messages().some((m) => m.content.includes("Can I still talk?") || m.content.includes("Me neither?"))).toBe(false);
  }, 60_000);

  it("an ask-mode post waits for Approve and is then delivered", async () => {
    const asker = await invite("ask-agent", "ask");
    const held = rest(`${asker.rest}/messages`, asker.key, "POST", { name: "Careful Agent", content: "May I say hello?" });
    const shown = await waitFor(() => messages().find((m) => m.content.includes("**Careful Agent** (outside agent) wants to post")), 15_000, "the held post");
    const pending = await held;
    expect(pending.status).toBe(202);
    expect(pending.json.status).toBe("pending");
    expect(messages().some((m) => m.author.username === "Careful Agent")).toBe(false);
    const approve = buttonsOf(shown as never).find((id) => id.startsWith("bobb-room-post:yes:"))!;
    await click(s, shown.id, owner, approve);
    const posted = await waitFor(() => messages().find((m) => m.author.username === "Careful Agent"), 15_000, "the approved post");
    expect(posted.content).toBe("May I say hello?");
    const status = await waitFor(
      async () => ((await rest(`${asker.rest}/messages/${pending.json.id}`, asker.key)).json.status === "delivered" ? true : undefined),
      10_000,
      "delivered",
    );
    expect(status).toBe(true);
  }, 60_000);

  it("revoke disconnects the WebSocket agent within a second and its key dies", async () => {
    expect(socket.ws.readyState).toBe(WebSocket.OPEN);
    const started = Date.now();
    const id = await runCommand(s, owner, "bobb room revoke", { label: "ws-agent" });
    await waitFor(() => socket.closedAt, 5_000, "the socket closed");
    expect(socket.closedAt! - started).toBeGreaterThanOrEqual(0);
    expect(socket.closedAt! - started).toBeLessThan(1000);
    expect(socket.frames.at(-1)).toMatchObject({ type: "error", code: "KEY_REVOKED" });
    const answer = await waitFor(async () => (await viewInteraction(s, id)).responses[0], 10_000, "the revoke answer");
    expect(answer.content).toMatch(/Revoked \*\*ws-agent\*\*/);
    const dead = await rest(`${wsInvite.rest}`, wsInvite.key);
    expect(dead.status).toBe(401);
  }, 30_000);
});

describe("the governor", () => {
  it("an outside agent that always mentions Chef Bot and Chef Bot stop at the bound", async () => {
    const debate = s.sandbox.control.channelId("debate");
    await ask(s, owner, "bobb room open", {}, debate);
    const looper = await invite("loop", "auto", debate);
    s.model.prependRules({ name: "chef always answers the looper", agent: chef.id, user: /and\?|let us talk/, reply: "@Loop Agent yes, and?" });
    const agent = new SocketAgent(looper.ws);
    sockets.push(agent);
    await agent.opened();
    let answered = 0;
    agent.ws.on("message", (data) => {
      const frame = JSON.parse(String(data));
      if (frame.type === "message" && frame.kind === "bot" && frame.from_name === "Chef Bot") {
        answered++;
        agent.send({ type: "message", content: "@Chef Bot and?" });
      }
    });
    agent.send({ type: "join", room: looper.roomId, key: looper.key, name: "Loop Agent" });
    await agent.next((f) => f.type === "joined", "joined");
    s.sandbox.control.postMessage(debate, s.humanId, "agents, go ahead");
    agent.send({ type: "message", content: "@Chef Bot let us talk" });

    const notice = await waitFor(() => messages(debate).find((m) => m.content.includes("Bot-to-bot exchange paused")), 90_000, "the governor's notice");
    expect(notice.author.id).toBe(s.bobbUserId);
    await s.sandbox.control.restIdle();
    const chefTurns = () => messages(debate).filter((m) => m.author.id === chef.userId).length;
    const agentPosts = () => messages(debate).filter((m) => m.author.username === "Loop Agent").length;
    expect(chefTurns()).toBe(3);
    expect(agentPosts()).toBe(4);
    expect(answered).toBe(3);
    // The bound holds: nothing more follows.
    await s.sandbox.control.restIdle();
    expect(chefTurns()).toBe(3);
  }, 120_000);
});

describe("a restart", () => {
  it("keeps the room, the invite and the agent; the agent reads with since what was said while BoBB was away (backfilled from the channel)", async () => {
    const restAgent = pasted.find((p) => p.text.includes("Invite **rest-agent**"))!;
    const before = await rest(`${restAgent.rest}/messages?limit=100`, restAgent.key);
    expect(before.status).toBe(200);
    const since = before.json.next_since as string;
    await s.stopApp();
    s.sandbox.control.postMessage(s.general, s.humanId, "said while BoBB was away");
    await s.restartApp();
    await waitFor(() => s.app.bots.get("bobb")?.client.isReady() || undefined, 60_000, "BoBB back online");
    const missed = await readUntil(restAgent, (m) => m.content === "said while BoBB was away", "the message said while BoBB was away", since);
    expect(missed).toMatchObject({ kind: "human", from_name: "chris" });
    // Messages from before the restart are read again from the channel, the agent's own as its own.
    const own = await readUntil(restAgent, (m) => m.content === "Thanks, carrying on.", "the agent's own post from before the restart");
    expect(own).toMatchObject({ kind: "agent", from_name: "Rest Agent" });
    const posted = await rest(`${restAgent.rest}/messages`, restAgent.key, "POST", { content: "Back after the restart." });
    expect(posted.json.status).toBe("delivered");
  }, 120_000);
});

describe("canary", () => {
  it("keys and join codes appear in no log line, model request, file or channel message", async () => {
    expect(pasted.length).toBeGreaterThanOrEqual(4);
    const channels = [s.general, s.sandbox.control.channelId("debate")];
    for (const p of pasted) {
      for (const secret of [p.key, p.joinCode, p.joinUrl.split("/").pop()!]) {
        expect(s.logs.filter((l) => l.includes(secret))).toEqual([]);
        expect(JSON.stringify(s.model.requests)).not.toContain(secret);
        expect(await filesHolding(s.dir, secret)).toEqual([]);
        for (const channel of channels) expect(messages(channel).filter((m) => m.content.includes(secret))).toEqual([]);
      }
      // What is kept of a key is its hash.
      expect(await filesHolding(s.dir, createHash("sha256").update(p.key).digest("hex"))).toEqual(["data/rooms.json"]);
    }
  });
});
