import { afterEach, describe, expect, it } from "vitest";
import { autoThreadGuilds, type AgentBrain } from "../../src/discord/index.js";
import { startBotsHarness, type BotsHarness } from "../helpers/bots.js";
import { waitFor } from "../helpers/wait.js";

/** Auto-thread (BOBB_AUTO_THREAD) on a real sandbox with real discord.js clients and a scripted brain. */
interface Prompt {
  agentId: string;
  key: string;
  text: string;
}

function recordingBrain(answer: (p: Prompt) => Promise<string>): AgentBrain & { prompts: Prompt[] } {
  const prompts: Prompt[] = [];
  return {
    prompts,
    prompt: async (agentId, key, text) => {
      const p = { agentId, key, text };
      prompts.push(p);
      return { text: await answer(p), usedTools: [] };
    },
    abort: async () => undefined,
  };
}

const authorId = (m: Record<string, unknown>) => (m["author"] as { id: string }).id;
/** The thread's messages; none while the thread does not exist yet. */
const messagesIn = (h: BotsHarness, id: string) => (h.sandbox.control.threads(h.general).some((t) => t["id"] === id) ? h.sandbox.control.listMessages(id) : []);

let h: BotsHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe("auto-thread", () => {
  it("a mention in a channel is answered in a new thread named from the message; one thread per conversation", async () => {
    const brain = recordingBrain(async (p) => `answer from ${p.agentId} in ${p.key}`);
    h = await startBotsHarness(brain, { autoThread: autoThreadGuilds("all") });
    const chef = await h.addBot("chef", "Chef Bot");
    const pirate = await h.addBot("pirate", "Pirate Bot");
    // Two bots mentioned in one message: one thread, both answer in it.
    const asked = h.sandbox.control.postMessage(h.general, h.humanId, `<@${chef.userId}> <@${pirate.userId}> soup or salad tonight?`);
    const threadId = String(asked["id"]);
    await waitFor(() => messagesIn(h!, threadId).length >= 2, 10_000, "two answers in the thread");
    const threads = h.sandbox.control.threads(h.general);
    expect(threads.map((t) => [t["id"], t["name"]])).toEqual([[threadId, "soup or salad tonight?"]]);
    expect(new Set(brain.prompts.map((p) => p.key))).toEqual(new Set([threadId]));
    expect(brain.prompts[0]?.text).toContain(`[Discord Channel ${threadId}]`);
    const inThread = h.sandbox.control.listMessages(threadId);
    expect(inThread.map((m) => m["content"]).sort()).toEqual([`answer from chef in ${threadId}`, `answer from pirate in ${threadId}`]);
    // No answer in the channel itself, and no reply quote across channels.
    expect(h.sandbox.control.listMessages(h.general).filter((m) => authorId(m) !== h!.humanId)).toEqual([]);
    expect(inThread.every((m) => m["message_reference"] === undefined || m["message_reference"] === null)).toBe(true);

    // The conversation goes on in the thread: a second mention there, and a bot's mention there, make no new thread.
    h.sandbox.control.postMessage(threadId, h.humanId, `<@${chef.userId}> and for dessert?`);
    await waitFor(() => brain.prompts.length === 3, 10_000, "third prompt");
    expect(brain.prompts[2]).toMatchObject({ agentId: "chef", key: threadId });
    // The thread's history starts with the message it was made from.
    expect(brain.prompts[2]?.text).toContain("soup or salad tonight?");
    await h.actions.send("pirate", { channel_id: threadId, content: "what do you say, Chef?", mention_bots: ["Chef Bot"] });
    await waitFor(() => brain.prompts.length === 4, 10_000, "the bot's mention answered");
    expect(brain.prompts[3]).toMatchObject({ agentId: "chef", key: threadId });
    await waitFor(() => h!.sandbox.control.listMessages(threadId).length === 6, 10_000, "all answers posted");
    expect(h.sandbox.control.threads(h.general)).toHaveLength(1);

    // A new message in the channel is a new conversation: its own thread.
    const again = h.sandbox.control.postMessage(h.general, h.humanId, `<@${chef.userId}>`);
    await waitFor(() => h!.sandbox.control.threads(h!.general).length === 2, 10_000, "second thread");
    expect(h.sandbox.control.threads(h.general).find((t) => t["id"] === again["id"])?.["name"]).toBe("Chat with chris");
  });

  it("off in a guild not listed: answered in the channel as before", async () => {
    const brain = recordingBrain(async () => "here");
    h = await startBotsHarness(brain, { autoThread: autoThreadGuilds("1234567890") });
    const chef = await h.addBot("chef", "Chef Bot");
    h.sandbox.control.postMessage(h.general, h.humanId, `<@${chef.userId}> hi`);
    await waitFor(() => h!.sandbox.control.listMessages(h!.general).some((m) => authorId(m) === chef.userId), 10_000, "answer in the channel");
    expect(h.sandbox.control.threads(h.general)).toEqual([]);
  });

  it("the governor bounds a two-bot debate inside the thread", async () => {
    const ref: { h?: BotsHarness } = {};
    // Each bot answers by tagging the other where its turn is: a runaway pair.
    const brain = recordingBrain(async (p) => {
      const other = p.agentId === "a" ? "Bot B" : "Bot A";
      await ref.h!.actions.send(p.agentId, { channel_id: p.key, content: `I disagree (${p.agentId})`, mention_bots: [other] });
      return "";
    });
    h = await startBotsHarness(brain, { autoThread: autoThreadGuilds("all"), governor: { botTurnCap: 4, pairBudget: 100 } });
    ref.h = h;
    const a = await h.addBot("a", "Bot A");
    await h.addBot("b", "Bot B");
    const asked = h.sandbox.control.postMessage(h.general, h.humanId, `<@${a.userId}> start a fight with Bot B`);
    const threadId = String(asked["id"]);
    const paused = () => messagesIn(h!, threadId).filter((m) => String(m["content"]).includes("paused"));
    await waitFor(() => paused().length === 1, 20_000, "governor notice in the thread");
    await waitFor(() => h!.turns.liveTurns("a").length + h!.turns.liveTurns("b").length === 0, 10_000, "no live turns");
    const botPosts = h.sandbox.control.listMessages(threadId).filter((m) => !String(m["content"]).includes("paused"));
    // The cap of 4 bot messages since the human spoke, all in the thread; nothing in the channel, one thread.
    expect(botPosts).toHaveLength(4);
    expect(h.sandbox.control.listMessages(h.general)).toHaveLength(1);
    expect(h.sandbox.control.threads(h.general)).toHaveLength(1);
    expect(new Set(brain.prompts.map((p) => p.key))).toEqual(new Set([threadId]));
  });
});
