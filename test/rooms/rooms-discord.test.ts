import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerOf, ask, buttonsOf, click, runCommand, viewInteraction } from "../commands/helpers.js";
import { FakeRoomsPort } from "../helpers/rooms-port.js";
import { startSupervisor, type Supervisor } from "../helpers/supervisor.js";
import { waitFor } from "../helpers/wait.js";

// The Discord side of rooms on the real supervisor, discord.js clients and the sandbox, with an in-memory rooms core
// (the dependency): commands and their permissions, webhook posts under the agent's name, ask mode, fan-in, stop.

type Msg = {
  id: string;
  content: string;
  author: { id: string; username: string; bot?: boolean };
  webhook_id?: string;
  application_id?: string;
  mentions: Array<{ id: string }>;
  components?: Array<{ components: Array<{ custom_id?: string }> }>;
};

let s: Supervisor;
const port = new FakeRoomsPort();
let owner: string;
let mallory: string;
let chef: { id: string; userId: string };
const messages = (channel = s.general) => s.messages(channel) as unknown as Msg[];

beforeAll(async () => {
  s = await startSupervisor({ rooms: port, env: { BOBB_BOT_TURN_CAP: "6" } });
  owner = s.sandbox.control.guilds()[0]!.members.find((m) => m.username === "sandbox-owner")!.id;
  mallory = s.sandbox.control.createUser("mallory").id;
  await waitFor(() => s.sandbox.control.guildCommands(s.sandbox.control.guildId()).length === 2, 30_000, "BoBB's commands");
  chef = await s.addChild("Chef Bot", "A chef.");
}, 120_000);
afterAll(() => s?.close());

describe("/bobb room", () => {
  it("open: refused without Manage Channels; a manager opens the channel, and BoBB makes its webhook", async () => {
    const refused = await ask(s, mallory, "bobb room open");
    expect(refused.answer.content).toMatch(/Manage Channels/);
    expect(port.roomOfChannel(s.general)).toBeUndefined();
    const notRoom = await ask(s, mallory, "bobb room agents");
    expect(notRoom.answer).toMatchObject({ ephemeral: true });
    expect(notRoom.answer.content).toMatch(/not a room/);

    const opened = await ask(s, owner, "bobb room open");
    expect(opened.answer.ephemeral).toBe(false);
    expect(opened.answer.content).toMatch(/is now a room/);
    expect(opened.answer.content).not.toMatch(/Manage Webhooks/);
    expect(port.roomOfChannel(s.general)).toMatchObject({ channel_id: s.general, name: "general" });
  });

  it("invite: the block goes to the manager only (ephemeral, in a code block, with Copy); Copy shows the block alone", async () => {
    const refused = await ask(s, mallory, "bobb room invite", { label: "claude", mode: "auto" });
    expect(refused.answer.content).toMatch(/Manage Channels/);

    const { answer } = await ask(s, owner, "bobb room invite", { label: "claude", mode: "auto" });
    expect(answer.ephemeral).toBe(true);
    const key = port.invites.length === 1 ? `ak_fake${port.invites[0]!.id}secretsecretsecret` : "";
    expect(answer.content).toContain("Invite **claude**");
    expect(answer.content).toContain("```\nBoBB room");
    expect(answer.content).toContain(key);
    const copyId = buttonsOf(answer)[0]!;
    expect(copyId).toMatch(/^bobb-room-copy:/);

    const clicked = await click(s, answer.id, owner, copyId);
    const copy = await waitFor(async () => (await viewInteraction(s, clicked)).responses[0], 15_000, "the Copy answer");
    expect(copy.ephemeral).toBe(true);
    expect(copy.content.startsWith("```\nBoBB room")).toBe(true);
    expect(copy.content).toContain(key);
    // The key is in no message anyone else can see, no log line and no model request.
    expect(messages().some((m) => m.content.includes(key))).toBe(false);
    expect(s.logs.some((l) => l.includes(key))).toBe(false);
    expect(JSON.stringify(s.model.requests)).not.toContain(key);
  });

  it("a long Markdown block (with code fences of its own) comes in several ephemeral parts that together hold all of it", async () => {
    const before = port.blockOf;
    const filler = Array.from({ length: 60 }, (_, n) => `Rule ${n}: be kind to the other agents and the people watching.`).join("\n");
    port.blockOf = (room, key) =>
      `# BoBB room "${room?.name}"\n\nYour key: ${key}\n\n\`\`\`\nPOST /api/rooms/x/messages\nAuthorization: Bearer ${key}\n\`\`\`\n\n${filler}\nThe end.`;
    try {
      const id = await runCommand(s, owner, "bobb room invite", { label: "long", mode: "auto" });
      const view = await waitFor(
        async () => {
          const v = await viewInteraction(s, id);
          return v.responses.some((r) => r.content.includes("The end.")) ? v : undefined;
        },
        15_000,
        "every part of the block",
      );
      expect(view.responses.length).toBeGreaterThan(1);
      expect(view.responses.every((r) => r.ephemeral && r.content.length <= 2_000)).toBe(true);
      expect(view.responses[0]!.content).toContain("Invite **long**");
      expect(buttonsOf(view.responses[0]!)[0]).toMatch(/^bobb-room-copy:/);
      const all = view.responses.map((r) => r.content).join("\n");
      for (let n = 0; n < 60; n++) expect(all).toContain(`Rule ${n}:`);
    } finally {
      port.blockOf = before;
    }
  });

  it("agents lists who joined; revoke refuses an unknown label", async () => {
    const room = port.roomOfChannel(s.general)!;
    port.join(room.id, "claude", "Claude Agent");
    const { answer } = await ask(s, mallory, "bobb room agents");
    expect(answer.content).toMatch(/\*\*Claude Agent\*\* \(invite `claude`, auto\): REST, 🟡 polling, last seen <t:\d+:R>/);
    const unknown = await ask(s, owner, "bobb room revoke", { label: "nobody" });
    expect(unknown.answer.content).toMatch(/no invite labelled "nobody"/);
    const notYours = await ask(s, mallory, "bobb room revoke", { label: "claude" });
    expect(notYours.answer.content).toMatch(/Manage Channels/);
  });
});

describe("an outside agent's posts", () => {
  it("auto: posted at once through the webhook under its name, @Chef Bot resolved; Chef Bot answers and its answer reaches the room naming the agent", async () => {
    const room = port.roomOfChannel(s.general)!;
    const claude = port.members.find((m) => m.name === "Claude Agent")!;
    s.model.prependRules({ name: "chef answers the agent", agent: chef.id, user: /dinner/, reply: "@Claude Agent risotto tonight." });
    const postId = port.say(claude.id, "Hello everyone, I am Claude. @Chef Bot what is for dinner? @everyone")!;

    const posted = await waitFor(() => messages().find((m) => m.author.username === "Claude Agent"), 15_000, "the agent's webhook message");
    expect(posted.webhook_id).toBeTruthy();
    expect(posted.author.bot).toBe(true);
    expect(posted.application_id).toBeTruthy();
    expect(posted.content).toContain(`<@${chef.userId}> what is for dinner?`);
    expect(posted.content).not.toMatch(/@everyone/);
    expect(posted.mentions.map((u) => u.id)).toEqual([chef.userId]);
    await waitFor(() => port.settlements.find((x) => x.postId === postId), 10_000, "the post settled");
    expect(port.settlements).toContainEqual({ postId, status: "delivered", discordMessageId: posted.id });

    const answer = await waitFor(() => messages().find((m) => m.author.id === chef.userId && m.content.includes("risotto")), 30_000, "Chef Bot's answer");
    expect(answer.content).toContain("@Claude Agent");
    const event = await waitFor(() => port.eventsIn(s.general).find((e) => e.discord_message_id === answer.id), 10_000, "Chef Bot's answer ingested");
    expect(event).toMatchObject({ author: { id: chef.userId, name: "Chef Bot", kind: "bot" }, mentions: [claude.id] });
    const own = port.eventsIn(s.general).find((e) => e.discord_message_id === posted.id)!;
    expect(own.author).toEqual({ id: claude.id, name: "Claude Agent", kind: "agent" });
    expect(own.content).toContain("@Chef Bot what is for dinner?");
    expect(own.mentions).toEqual([chef.userId]);
    expect(room.id).toBeTruthy();
  });

  it("people's messages reach the room as human; a bot naming an agent through mention_bots mentions it by name", async () => {
    const claude = port.members.find((m) => m.name === "Claude Agent")!;
    s.model.prependRules(
      {
        name: "chef tags the agent",
        agent: chef.id,
        user: /ask the agent/,
        reply: { toolCalls: [{ name: "send_message", args: { content: "what do you cook?", mention_bots: ["Claude Agent"] } }] },
      },
      { name: "chef done", agent: chef.id, after: "tool", reply: "" },
    );
    const human = s.sandbox.control.postMessage(s.general, s.humanId, `<@${chef.userId}> ask the agent`) as { id: string };
    const event = await waitFor(() => port.eventsIn(s.general).find((e) => e.discord_message_id === human.id), 10_000, "the person's message ingested");
    expect(event).toMatchObject({ author: { id: s.humanId, kind: "human" }, content: "@Chef Bot ask the agent", mentions: [chef.userId] });
    const tagged = await waitFor(
      () => messages().find((m) => m.author.id === chef.userId && m.content.includes("what do you cook?")),
      30_000,
      "Chef Bot's tag",
    );
    expect(tagged.content).toBe("@Claude Agent what do you cook?");
    const taggedEvent = await waitFor(() => port.eventsIn(s.general).find((e) => e.discord_message_id === tagged.id), 10_000, "the tag ingested");
    expect(taggedEvent.mentions).toEqual([claude.id]);
  });

  it("ask: held with Approve / Reject (pending); only a channel manager or the inviter decides; approved posts, rejected says so", async () => {
    const room = port.roomOfChannel(s.general)!;
    await ask(s, owner, "bobb room invite", { label: "gpt", mode: "ask" });
    const gpt = port.join(room.id, "gpt", "GPT Agent", "ws");
    const first = port.say(gpt.id, "May I say hello?")!;
    const held = await waitFor(() => messages().find((m) => m.content.includes("**GPT Agent** (outside agent) wants to post")), 15_000, "the held post");
    await waitFor(() => port.settlements.find((x) => x.postId === first), 10_000, "the post settled as pending");
    expect(port.settlements).toContainEqual({ postId: first, status: "pending", discordMessageId: undefined });
    expect(held.content).toContain("> May I say hello?");
    const [approve, reject] = (held.components ?? []).flatMap((r) => r.components.map((c) => c.custom_id!));
    expect(approve).toMatch(/^bobb-room-post:yes:/);
    // A held post is not said yet: it does not reach the room.
    expect(port.eventsIn(s.general).some((e) => e.discord_message_id === held.id)).toBe(false);

    const refusedClick = await click(s, held.id, mallory, approve!);
    const refusal = await waitFor(async () => (await viewInteraction(s, refusedClick)).responses[0], 10_000, "the refusal");
    expect(refusal).toMatchObject({ ephemeral: true });
    expect(refusal.content).toMatch(/Only the person who invited this agent or someone who can manage this channel/);
    expect(messages().some((m) => m.author.username === "GPT Agent")).toBe(false);

    await click(s, held.id, owner, approve!);
    const posted = await waitFor(() => messages().find((m) => m.author.username === "GPT Agent"), 15_000, "the approved post");
    expect(posted.content).toBe("May I say hello?");
    await waitFor(() => port.settlements.find((x) => x.postId === first && x.status === "delivered"), 10_000, "delivered");
    await waitFor(() => messages().find((m) => m.id === held.id && m.content.includes("Approved by")), 10_000, "the held post marked approved");

    const second = port.say(gpt.id, "Buy my crypto!")!;
    const held2 = await waitFor(() => messages().find((m) => m.content.includes("> Buy my crypto!")), 15_000, "the second held post");
    await click(s, held2.id, owner, (held2.components ?? [])[0]!.components[1]!.custom_id!);
    await waitFor(() => port.settlements.find((x) => x.postId === second && x.status === "rejected"), 10_000, "rejected");
    const edited = await waitFor(() => messages().find((m) => m.id === held2.id && m.content.includes("Rejected by")), 10_000, "the held post marked rejected");
    expect(edited.components ?? []).toEqual([]);
    expect(messages().some((m) => m.author.username === "GPT Agent" && m.content.includes("crypto"))).toBe(false);
    expect(reject).toMatch(/^bobb-room-post:no:/);

    // Revoked while a post waits: Approve no longer posts it ("never" wins).
    const third = port.say(gpt.id, "One last thing")!;
    const held3 = await waitFor(() => messages().find((m) => m.content.includes("> One last thing")), 15_000, "the third held post");
    const revoked = await ask(s, owner, "bobb room revoke", { label: "gpt" });
    expect(revoked.answer.content).toMatch(/Revoked \*\*gpt\*\*/);
    await click(s, held3.id, owner, (held3.components ?? [])[0]!.components[0]!.custom_id!);
    await waitFor(() => port.settlements.find((x) => x.postId === third && x.status === "rejected"), 10_000, "rejected after the revoke");
    await waitFor(() => messages().find((m) => m.id === held3.id && m.content.includes("no longer in this room")), 10_000, "the held post says why");
    expect(messages().some((m) => m.author.username === "GPT Agent" && m.content.includes("One last thing"))).toBe(false);
  });
});

describe("stop and the governor", () => {
  it("a person's stop pauses the room with who said it; a person speaking again resumes it; /stop pauses too", async () => {
    const stop = s.sandbox.control.postMessage(s.general, s.humanId, "stop") as { id: string };
    await waitFor(() => port.pauses.find((p) => p.channelId === s.general && p.by.id === s.humanId), 10_000, "the pause");
    expect(port.pauses.at(-1)!.by.name).toBe("chris");
    expect(port.eventsIn(s.general).some((e) => e.discord_message_id === stop.id)).toBe(true);
    const resumedBefore = port.resumes.length;
    s.sandbox.control.postMessage(s.general, s.humanId, "ok, carry on");
    await waitFor(() => port.resumes.length > resumedBefore && !port.paused.has(s.general), 10_000, "the resume");

    const pausesBefore = port.pauses.length;
    const id = await runCommand(s, s.humanId, "stop");
    await answerOf(s, id);
    expect(port.pauses.length).toBe(pausesBefore + 1);
  });

  it("an outside agent and Chef Bot that always mention each other stop at the governor's bound", async () => {
    const debate = s.sandbox.control.channelId("debate");
    await ask(s, owner, "bobb room open", {}, debate);
    const room = port.roomOfChannel(debate)!;
    await ask(s, owner, "bobb room invite", { label: "loop", mode: "auto" }, debate);
    const looper = port.join(room.id, "loop", "Loop Agent");
    s.model.prependRules({ name: "chef always answers", agent: chef.id, user: /Loop Agent/, reply: "@Loop Agent yes, and?" });
    // The agent answers every bot message that names it, for ever.
    port.on("ingested", (channelId: string, event: { author: { kind: string }; mentions: string[] }) => {
      if (channelId === debate && event.author.kind === "bot" && event.mentions.includes(looper.id)) port.say(looper.id, "@Chef Bot and?");
    });
    s.sandbox.control.postMessage(debate, s.humanId, "agents, go ahead");
    port.say(looper.id, "@Chef Bot let us talk");

    const notice = await waitFor(() => messages(debate).find((m) => m.content.includes("Bot-to-bot exchange paused")), 60_000, "the governor's notice");
    const chefTurns = () => messages(debate).filter((m) => m.author.id === chef.userId).length;
    const agentPosts = () => messages(debate).filter((m) => m.author.username === "Loop Agent").length;
    // Cap 6 bot messages since the person spoke: agent, chef, agent, chef, agent, chef, then the agent's next one is refused.
    expect(chefTurns()).toBe(3);
    expect(agentPosts()).toBe(4);
    expect(notice.author.id).toBe(s.bobbUserId);
    // Nothing more follows: Chef Bot no longer answers, so the agent has nothing to answer.
    await s.sandbox.control.restIdle();
    expect(chefTurns()).toBe(3);
  }, 90_000);

  it("after a restart BoBB reuses the channel's webhook and still reads the agent's messages as the agent's", async () => {
    const claude = port.members.find((m) => m.name === "Claude Agent")!;
    await s.stopApp();
    await s.restartApp();
    await waitFor(() => s.app.bots.get("bobb"), 30_000, "BoBB back online");
    // The room was paused by /stop above: a person speaks, the room resumes.
    s.sandbox.control.postMessage(s.general, s.humanId, "welcome back everyone");
    await waitFor(() => !port.paused.has(s.general) || undefined, 10_000, "the room resumed");
    const postId = port.say(claude.id, "I am back after your restart.")!;
    const posted = await waitFor(() => messages().find((m) => m.content === "I am back after your restart."), 15_000, "the post after the restart");
    await waitFor(() => port.settlements.find((x) => x.postId === postId && x.status === "delivered"), 10_000, "delivered");
    const channel = await s.app.bots.get("bobb")!.client.channels.fetch(s.general);
    const hooks = await (channel as import("discord.js").TextChannel).fetchWebhooks();
    expect(hooks.filter((w) => w.name === "BoBB rooms").size).toBe(1);
    const event = await waitFor(() => port.eventsIn(s.general).find((e) => e.discord_message_id === posted.id), 10_000, "ingested");
    expect(event.author).toEqual({ id: claude.id, name: "Claude Agent", kind: "agent" });

    // Someone deletes the webhook: the next post makes a new one.
    await hooks.first()!.delete();
    port.say(claude.id, "Still here without the old webhook.");
    await waitFor(() => messages().find((m) => m.content === "Still here without the old webhook."), 15_000, "the post through a new webhook");
    const after = await (channel as import("discord.js").TextChannel).fetchWebhooks();
    const ours = after.filter((w) => w.name === "BoBB rooms");
    expect(ours.size).toBe(1);
    expect(ours.first()!.id).not.toBe(hooks.first()!.id);
  }, 90_000);
});
