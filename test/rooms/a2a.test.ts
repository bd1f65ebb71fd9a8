/* eslint-disable @typescript-eslint/no-explicit-any -- the SDK's stream events and errors, checked field by field */
import { AgentCard } from "@a2a-js/sdk";
import type { Client } from "@a2a-js/sdk/client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { OutsidePost, RoomBot } from "../../src/rooms/index.js";
import { a2aClient, artifactText, asTask, sendParams, statusText, TaskState } from "../helpers/a2a.js";
import { call, CHANNEL, startRoomsHarness, type RoomsHarness } from "../helpers/rooms.js";
import { waitFor } from "../helpers/wait.js";

const CHEF: RoomBot = { id: "chef-bot", name: "Chef Bot", userId: "700000000000000007", description: "A chef who cooks with what is in your fridge." };
const PIRATE: RoomBot = { id: "pirate", name: "Pirate", userId: "700000000000000008", description: "Arr." };

/** The error a refused call throws, as text (the SDK puts the HTTP status and body in its message). */
async function failure(p: Promise<unknown>): Promise<string> {
  const err: any = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, "a refusal").toBeDefined();
  return String(err.message);
}

/** An outside agent over A2A (the SDK's own client), against the real rooms listener. */
describe("rooms over A2A", () => {
  let h: RoomsHarness;
  let roomId: string;
  let key: string;
  let cardUrl: string;
  /** The Discord side's bot: answers a delivered post that mentions it (unless `answering` is off). */
  let answering = true;
  const answer = (post: OutsidePost) => {
    if (!answering || !post.content.startsWith("@Chef Bot")) return;
    h.say(`@${post.name} risotto tonight`, { id: CHEF.userId, name: CHEF.name, kind: "bot" }, [post.member_id], h.delivered.get(post.post_id));
  };
  beforeEach(async () => {
    answering = true;
    h = await startRoomsHarness({ limits: { messagesPerMinute: 3, answerTimeoutMs: 20_000 }, bots: [CHEF, PIRATE] });
    h.handle.rooms.on("post", (post) => queueMicrotask(() => answer(post)));
    roomId = (await h.handle.rooms.open(CHANNEL, "900000000000000001")).id;
    const invite = await h.handle.rooms.createInvite(roomId, { label: "Alice's agent", mode: "auto" }, "900000000000000001");
    key = invite.key;
    expect(invite.transports.a2a).toEqual([
      { bot: "Chef Bot", card_url: `${h.url}/a2a/${roomId}/chef-bot/.well-known/agent-card.json` },
      { bot: "Pirate", card_url: `${h.url}/a2a/${roomId}/pirate/.well-known/agent-card.json` },
    ]);
    cardUrl = invite.transports.a2a[0]!.card_url;
  });
  afterEach(async () => {
    await h.close();
  });

  it("serves each bot's agent card: its persona, a skill, JSON-RPC at its endpoint, the key as a bearer scheme", async () => {
    const client = await a2aClient(cardUrl);
    const card = await client.getAgentCard();
    expect(card.name).toBe("Chef Bot");
    expect(card.description).toContain("A chef who cooks with what is in your fridge.");
    expect(card.supportedInterfaces).toEqual([
      expect.objectContaining({ url: `${h.url}/a2a/${roomId}/chef-bot`, protocolBinding: "JSONRPC", protocolVersion: "1.0" }),
    ]);
    expect(card.capabilities?.streaming).toBe(true);
    expect(card.skills.map((s) => s.id)).toEqual(["ask"]);
    expect(card.securitySchemes.invite_key?.scheme).toMatchObject({ $case: "httpAuthSecurityScheme", value: { scheme: "Bearer" } });
    // The wire form is A2A 1.0's JSON and holds no key.
    const raw = await call(cardUrl, undefined);
    expect(raw.status).toBe(200);
    expect(AgentCard.fromJSON(raw.json).name).toBe("Chef Bot");
    expect(JSON.stringify(raw.json)).not.toContain(key);
    const unknown = await call(`${h.url}/a2a/${roomId}/nobody/.well-known/agent-card.json`, undefined);
    expect([unknown.status, unknown.json.error.code]).toEqual([404, "BOT_NOT_FOUND"]);
    expect(unknown.json.error.message).toContain("chef-bot, pirate");
  });

  it("SendMessage posts as the agent mentioning the bot and returns the bot's answer as the artifact (COMPLETED)", async () => {
    const client = await a2aClient(cardUrl, key);
    // Another bot message that answers someone else is not the answer.
    const task = asTask(await client.sendMessage(sendParams("what is for dinner?")));
    expect(h.posts[0]).toMatchObject({ channel_id: CHANNEL.id, name: "Alice's agent", content: "@Chef Bot what is for dinner?" });
    expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(artifactText(task)).toBe("@Alice's agent risotto tonight");
    expect(task.history.map((m) => m.parts[0]?.content?.value)).toContain("what is for dinner?");
    const [agent] = await h.handle.rooms.agents(roomId);
    expect(agent).toMatchObject({ name: "Alice's agent", transport: "a2a", presence: "polling" });
    const again = await client.getTask({ tenant: "", id: task.id });
    expect(again.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    // Another agent cannot read this agent's task.
    const bob = await h.handle.rooms.createInvite(roomId, { label: "Bob's agent", mode: "auto" }, "x");
    const other = await a2aClient(cardUrl, bob.key);
    expect(await failure(other.getTask({ tenant: "", id: task.id }))).toMatch(/not found/i);
    const list = (c: Client) =>
      c.listTasks({
        tenant: "",
        contextId: "",
        status: TaskState.TASK_STATE_UNSPECIFIED,
        pageToken: "",
        statusTimestampAfter: undefined,
        includeArtifacts: true,
      });
    expect((await list(client)).tasks.map((t) => [t.id, artifactText(t)])).toEqual([[task.id, "@Alice's agent risotto tonight"]]);
    expect((await list(other)).tasks).toEqual([]);
  });

  it("the answer is the bot's message that replies to the post, not one answering someone else", async () => {
    answering = false;
    const client = await a2aClient(cardUrl, key);
    const sent = client.sendMessage(sendParams("and for dessert?"));
    const post = await waitFor(() => h.posts[0], 5000, "the post");
    await waitFor(() => h.handle.rooms.longPolls(roomId) === 1 || undefined, 5000, "the task to wait");
    h.say("@Alice sure, soup", { id: CHEF.userId, name: CHEF.name, kind: "bot" }, [], "123456789");
    h.say("@Alice's agent tiramisu", { id: CHEF.userId, name: CHEF.name, kind: "bot" }, [post.member_id], h.delivered.get(post.post_id));
    expect(artifactText(asTask(await sent))).toBe("@Alice's agent tiramisu");
  });

  it("the block's curl example, sent as it is written, gets a COMPLETED task with the answer (A2A 1.0 JSON)", async () => {
    const block = (await h.handle.rooms.createInvite(roomId, { label: "Curl agent", mode: "auto", for: "a2a" }, "x")).block;
    const curl = /curl (\S+) -H "Authorization: Bearer (\S+)" -H "A2A-Version: 1.0" -H "Content-Type: application\/json" -d '(.+)'/.exec(block)!;
    const res = await fetch(curl[1]!, {
      method: "POST",
      headers: { authorization: `Bearer ${curl[2]}`, "a2a-version": "1.0", "content-type": "application/json" },
      body: curl[3]!,
    });
    const body: any = await res.json();
    expect(body.result.task).toMatchObject({ status: { state: "TASK_STATE_COMPLETED" }, artifacts: [{ parts: [{ text: "@Curl agent risotto tonight" }] }] });
    expect(h.posts.at(-1)!.content).toBe("@Chef Bot Hello Chef Bot, I am <your name>, working for <whom>.");
  });

  it("SendStreamingMessage streams the task, its working status, then the answer and COMPLETED", async () => {
    const client = await a2aClient(cardUrl, key);
    const events: any[] = [];
    for await (const event of client.sendMessageStream(sendParams("stream me dinner"))) events.push(event);
    const cases = events.map((e) => e.payload?.$case ?? ("status" in e ? "task" : "?"));
    expect(cases[0]).toBe("task");
    expect(cases).toContain("statusUpdate");
    const artifact = events.find((e) => e.payload?.$case === "artifactUpdate");
    expect(artifact.payload.value.artifact.parts[0].content.value).toBe("@Alice's agent risotto tonight");
    const states = events.filter((e) => e.payload?.$case === "statusUpdate").map((e) => e.payload.value.status.state);
    expect(states).toContain(TaskState.TASK_STATE_WORKING);
    expect(states.at(-1)).toBe(TaskState.TASK_STATE_COMPLETED);
  });

  it("CancelTask ends a task waiting for the answer (CANCELED), and GetTask says so", async () => {
    answering = false;
    const client = await a2aClient(cardUrl, key);
    const started = asTask(await client.sendMessage(sendParams("think about it", true)));
    expect([TaskState.TASK_STATE_SUBMITTED, TaskState.TASK_STATE_WORKING]).toContain(started.status?.state);
    await waitFor(() => h.handle.rooms.longPolls(roomId) === 1 || undefined, 5000, "the task to wait");
    const canceled = await client.cancelTask({ tenant: "", id: started.id, metadata: undefined });
    expect(canceled.status?.state).toBe(TaskState.TASK_STATE_CANCELED);
    await waitFor(() => h.handle.rooms.longPolls(roomId) === 0 || undefined, 5000, "the wait to end");
    expect((await client.getTask({ tenant: "", id: started.id })).status?.state).toBe(TaskState.TASK_STATE_CANCELED);
  });

  it("refuses bad, missing, revoked and other-room keys with REST's 401/403 before any task", async () => {
    expect(await failure((await a2aClient(cardUrl)).sendMessage(sendParams("hi")))).toMatch(/401.*UNAUTHORIZED/s);
    expect(await failure((await a2aClient(cardUrl, `ak_${"x".repeat(43)}`)).sendMessage(sendParams("hi")))).toMatch(/401.*KEY_UNKNOWN/s);
    const other = await h.handle.rooms.open({ id: "200000000000000002", guild_id: CHANNEL.guild_id, name: "hall" }, "x");
    const elsewhere = await a2aClient(`${h.url}/a2a/${other.id}/chef-bot/.well-known/agent-card.json`, key);
    expect(await failure(elsewhere.sendMessage(sendParams("hi")))).toMatch(/403.*WRONG_ROOM/s);
    const client = await a2aClient(cardUrl, key);
    expect(asTask(await client.sendMessage(sendParams("hello"))).status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(await h.handle.rooms.revoke(roomId, "Alice's agent")).toBe(true);
    expect(await failure(client.sendMessage(sendParams("still there?")))).toMatch(/401.*KEY_REVOKED/s);
    expect(h.posts).toHaveLength(1);
    expect(h.logs.join("\n")).not.toContain(key);
  });

  it("size limit, rate limit and a paused room are REJECTED tasks with REST's codes and words", async () => {
    const client = await a2aClient(cardUrl, key);
    const big = asTask(await client.sendMessage(sendParams("x".repeat(4097))));
    expect(big.status?.state).toBe(TaskState.TASK_STATE_REJECTED);
    expect(statusText(big)).toMatch(/^MESSAGE_TOO_LARGE: content: \d+ bytes; a message may have at most 4096/);
    for (let i = 1; i <= 3; i++) expect(asTask(await client.sendMessage(sendParams(`n${i}`))).status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    const limited = asTask(await client.sendMessage(sendParams("n4")));
    expect(limited.status?.state).toBe(TaskState.TASK_STATE_REJECTED);
    expect(statusText(limited)).toMatch(/^RATE_LIMITED: at most 3 messages a minute; retry in \d+ s/);
    h.clock.advance(61_000);
    h.handle.rooms.pause(CHANNEL.id, { id: "900000000000000001", name: "Alice" });
    const paused = asTask(await client.sendMessage(sendParams("still here")));
    expect(paused.status?.state).toBe(TaskState.TASK_STATE_REJECTED);
    expect(statusText(paused)).toMatch(/^ROOM_PAUSED: Alice said stop/);
    expect(h.posts).toHaveLength(3);
  });

  it("a person's stop while the task waits cancels it with who stopped it; the governor's notice rejects it", async () => {
    answering = false;
    const client = await a2aClient(cardUrl, key);
    const waiting = client.sendMessage(sendParams("long question"));
    await waitFor(() => h.handle.rooms.longPolls(roomId) === 1 || undefined, 5000, "the task to wait");
    h.handle.rooms.pause(CHANNEL.id, { id: "900000000000000001", name: "Alice" });
    const stopped = asTask(await waiting);
    expect(stopped.status?.state).toBe(TaskState.TASK_STATE_CANCELED);
    expect(statusText(stopped)).toMatch(/^ROOM_PAUSED: Alice said stop/);

    h.handle.rooms.resume(CHANNEL.id);
    const governed = client.sendMessage(sendParams("again"));
    await waitFor(() => h.handle.rooms.longPolls(roomId) === 1 || undefined, 5000, "the task to wait");
    h.say("Bot-to-bot exchange paused in this channel after 8 bot messages; a human can mention a bot to continue.", { id: "1", name: "BoBB", kind: "system" });
    const refused = asTask(await governed);
    expect(refused.status?.state).toBe(TaskState.TASK_STATE_REJECTED);
    expect(statusText(refused)).toMatch(/^GOVERNOR_REFUSED: the room's loop governor refused the turn: Bot-to-bot exchange paused/);
    // Still paused (no person spoke since the notice): the next question is refused at once, not after the answer timeout.
    const started = Date.now();
    const next = asTask(await client.sendMessage(sendParams("and now?")));
    expect(next.status?.state).toBe(TaskState.TASK_STATE_REJECTED);
    expect(statusText(next)).toMatch(/^GOVERNOR_REFUSED/);
    expect(Date.now() - started).toBeLessThan(5000);
    // A person speaks: the next question waits for an answer again.
    h.clock.advance(61_000); // past the rate limit (3 a minute)
    h.say("ok, go on");
    answering = true;
    expect(asTask(await client.sendMessage(sendParams("last one"))).status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
  });

  it("ask mode: the task waits for a person's approval, then for the answer", async () => {
    const ask = await h.handle.rooms.createInvite(roomId, { label: "Bob's agent", mode: "ask" }, "x");
    const client = await a2aClient(cardUrl, ask.key);
    const sent = client.sendMessage(sendParams("may I ask?"));
    const post = await waitFor(() => h.posts.find((p) => p.mode === "ask"), 5000, "the held post");
    h.deliver(post);
    answer(post);
    const task = asTask(await sent);
    expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(artifactText(task)).toBe("@Bob's agent risotto tonight");
  });

  it("closing the listener ends a task waiting for an answer at once", async () => {
    answering = false;
    const client: Client = await a2aClient(cardUrl, key);
    const waiting = client.sendMessage(sendParams("anyone?")).catch((e: unknown) => e);
    await waitFor(() => h.handle.rooms.longPolls(roomId) === 1 || undefined, 5000, "the task to wait");
    const started = Date.now();
    await h.handle.close();
    expect(Date.now() - started).toBeLessThan(5000);
    await waiting;
    h.handle.close = async () => {};
  });
});
