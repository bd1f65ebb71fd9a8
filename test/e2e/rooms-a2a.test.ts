/* eslint-disable @typescript-eslint/no-explicit-any -- the operator API's JSON and the SDK's stream events, read field by field */
// A2A end to end: the real supervisor, sandbox, discord.js clients, OpenCode on the scripted model and the
// real rooms listener. The outside agent is the A2A SDK's own client, knowing only the invite's card URL and key.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { a2aClient, artifactText, asTask, sendParams, TaskState } from "../helpers/a2a.js";
import { startSupervisor, type Supervisor } from "../helpers/supervisor.js";
import { waitFor } from "../helpers/wait.js";

let s: Supervisor;
let chef: { id: string; userId: string };
let invite: any;

beforeAll(async () => {
  s = await startSupervisor({ env: { BOBB_ROOM_POLL_INTERVAL: "100" } });
  chef = await s.addChild("Chef Bot", "A chef who answers questions about food.\nNever cooks fish.");
  const opened = await s.api("POST", "/api/rooms", { channel_id: s.general });
  expect(opened.status).toBe(201);
  const room = (opened.json() as any).room;
  const made = await s.api("POST", `/api/rooms/${room.id}/invites`, { label: "Peer Agent", for: "a2a" });
  expect(made.status).toBe(201);
  invite = made.json();
}, 180_000);
afterAll(async () => {
  await s?.close();
});

describe("an A2A peer in a BoBB room", () => {
  it("the invite lists the room's child bots as A2A agents (not BoBB); the for:a2a block holds only A2A", async () => {
    expect(invite.transports.a2a).toEqual([
      {
        bot: "Chef Bot",
        card_url: expect.stringMatching(new RegExp(`/a2a/${invite.transports.rest.split("/").pop()}/${chef.id}/\\.well-known/agent-card\\.json$`)),
      },
    ]);
    expect(invite.block).toContain(`- Chef Bot: ${invite.transports.a2a[0].card_url}`);
    expect(invite.block).not.toContain("claude mcp add");
    const card = await (await a2aClient(invite.transports.a2a[0].card_url)).getAgentCard();
    expect(card.name).toBe("Chef Bot");
    expect(card.description).toContain("A chef who answers questions about food. Never cooks fish.");
  });

  it("SendMessage: posted in the channel as the peer mentioning Chef Bot; Chef Bot's real answer is the artifact", async () => {
    s.model.prependRules({ name: "chef answers the peer", agent: chef.id, user: /what is for dinner/, reply: "Risotto tonight." });
    const client = await a2aClient(invite.transports.a2a[0].card_url, invite.key);
    const task = asTask(await client.sendMessage(sendParams("what is for dinner?")));
    expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(artifactText(task)).toContain("Risotto tonight.");
    const messages = s.messages(s.general) as any[];
    const asked = messages.find((m) => m.author.username === "Peer Agent" && m.content.includes("what is for dinner?"));
    expect(asked.webhook_id).toBeTruthy();
    expect(asked.content).toContain(`<@${chef.userId}>`);
    const answered = messages.find((m) => m.author.id === chef.userId && m.content.includes("Risotto"));
    expect(answered.message_reference?.message_id).toBe(asked.id);
    const agents = (await s.api("GET", `/api/rooms/${invite.transports.rest.split("/").pop()}/agents`)).json() as any;
    expect(agents.agents).toEqual([expect.objectContaining({ name: "Peer Agent", transport: "a2a", presence: "polling" })]);
  }, 60_000);

  it("SendStreamingMessage: the working status, then Chef Bot's answer and COMPLETED", async () => {
    s.model.prependRules({ name: "chef answers dessert", agent: chef.id, user: /and for dessert/, reply: "Tiramisu." });
    const client = await a2aClient(invite.transports.a2a[0].card_url, invite.key);
    const events: any[] = [];
    for await (const event of client.sendMessageStream(sendParams("and for dessert?"))) events.push(event);
    const updates = events.filter((e) => e.payload?.$case === "statusUpdate").map((e) => e.payload.value.status.state);
    expect(updates[0]).toBe(TaskState.TASK_STATE_WORKING);
    expect(updates.at(-1)).toBe(TaskState.TASK_STATE_COMPLETED);
    const artifact = await waitFor(() => events.find((e) => e.payload?.$case === "artifactUpdate"), 1000, "the artifact");
    expect(artifact.payload.value.artifact.parts[0].content.value).toContain("Tiramisu.");
  }, 60_000);

  it("a person's stop: the next SendMessage is REJECTED with who stopped it, and nothing is posted", async () => {
    s.sandbox.control.postMessage(s.general, s.humanId, "stop");
    const client = await a2aClient(invite.transports.a2a[0].card_url, invite.key);
    const refused = await waitFor(
      async () => {
        const task = asTask(await client.sendMessage(sendParams("still there?")));
        return task.status?.state === TaskState.TASK_STATE_REJECTED ? task : undefined;
      },
      15_000,
      "the refusal",
    );
    expect(refused.status?.message?.parts[0]?.content?.value).toMatch(/^ROOM_PAUSED: chris said stop/);
    expect((s.messages(s.general) as any[]).some((m) => m.content.includes("still there?"))).toBe(false);
    expect(s.logs.filter((l) => l.includes(invite.key))).toEqual([]);
  }, 60_000);
});
