import { afterEach, describe, expect, it } from "vitest";
import { STOP_REACTION, type AgentBrain } from "../../src/discord/index.js";
import { startBotsHarness, type BotsHarness } from "../helpers/bots.js";
import { waitFor } from "../helpers/wait.js";

/**
 * The system's own lines on a real sandbox with real discord.js clients: the governor's pause
 * notice and the stop acknowledgement come from BoBB where BoBB is in the channel, else from
 * one of the bots as Discord subtext, and once however many bots see the message.
 */
type Script = (agentId: string, signal: AbortSignal | undefined) => Promise<string>;

function scriptedBrain(script: { current: Script }): AgentBrain & { aborts: string[] } {
  const aborts: string[] = [];
  return {
    aborts,
    prompt: async (agentId, _key, _text, { signal }) => ({ text: await script.current(agentId, signal), usedTools: [] }),
    abort: async (agentId, key) => void aborts.push(`${agentId}:${key}`),
  };
}

/** Answers only when aborted: a turn that is still being written when "stop" comes. */
const slow: Script = (_a, signal) =>
  new Promise((_resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("not aborted")), 20_000);
    signal?.addEventListener("abort", () => (clearTimeout(timer), reject(new Error("aborted"))));
  });

type Raw = { id: string; content: string; author: { id: string; bot?: boolean }; reactions?: Array<{ emoji: { name: string }; count: number; me: boolean }> };
const messagesOf = (h: BotsHarness, channel: string, viewer?: string) => h.sandbox.control.listMessages(channel, viewer) as unknown as Raw[];

let h: BotsHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Two bots that always tag each other, started by a person. */
async function debate(withBobb: boolean) {
  const script: { current: Script } = { current: async () => "" };
  h = await startBotsHarness(scriptedBrain(script), { governor: { botTurnCap: 4 } });
  const harness = h;
  const bobb = withBobb ? await harness.addBot("bobb", "BoBB") : undefined;
  const a = await harness.addBot("a", "Bot A");
  const b = await harness.addBot("b", "Bot B");
  script.current = async (agentId) => {
    if (agentId === "bobb") return "";
    const other = agentId === "a" ? "Bot B" : "Bot A";
    await harness.actions.send(agentId, { channel_id: harness.general, content: `No, you are wrong (${agentId})`, mention_bots: [other] });
    return "";
  };
  harness.sandbox.control.postMessage(harness.general, harness.humanId, `<@${a.userId}> argue with Bot B`);
  const notice = await waitFor(() => messagesOf(harness, harness.general).find((m) => m.content.includes("paused")), 20_000, "pause notice");
  await waitFor(() => harness.turns.liveTurns("a").length + harness.turns.liveTurns("b").length === 0, 10_000, "no live turns");
  return { harness, notice, bobb, a, b };
}

describe("the governor's pause notice", () => {
  it("comes from BoBB, once, when BoBB is in the channel", async () => {
    const { harness, notice, bobb, a, b } = await debate(true);
    expect(notice.author.id).toBe(bobb!.userId);
    expect(notice.content.startsWith("Bot-to-bot exchange paused")).toBe(true);
    const all = messagesOf(harness, harness.general);
    expect(all.filter((m) => m.content.includes("paused"))).toHaveLength(1);
    expect(all.filter((m) => m.author.id === a.userId || m.author.id === b.userId).every((m) => m.content.includes("No, you are wrong"))).toBe(true);
  });

  it("comes from one of the bots as subtext, once, when BoBB is not there", async () => {
    const { harness, notice, a, b } = await debate(false);
    expect([a.userId, b.userId]).toContain(notice.author.id);
    expect(notice.content.startsWith("-# Bot-to-bot exchange paused")).toBe(true);
    expect(messagesOf(harness, harness.general).filter((m) => m.content.includes("paused"))).toHaveLength(1);
  });
});

describe("the stop acknowledgement", () => {
  async function stopWithTwoBots(withBobb: boolean) {
    const script: { current: Script } = { current: slow };
    const brain = scriptedBrain(script);
    h = await startBotsHarness(brain);
    const bobb = withBobb ? await h.addBot("bobb", "BoBB") : undefined;
    const a = await h.addBot("a", "Bot A");
    const b = await h.addBot("b", "Bot B");
    h.sandbox.control.postMessage(h.general, h.humanId, `<@${a.userId}> <@${b.userId}> think about it`);
    await waitFor(() => h!.turns.liveTurns("a").length + h!.turns.liveTurns("b").length === 2 || undefined, 10_000, "both bots thinking");
    const stop = h.sandbox.control.postMessage(h.general, h.humanId, "stop");
    await waitFor(() => h!.turns.liveTurns("a").length + h!.turns.liveTurns("b").length === 0 || undefined, 10_000, "both turns stopped");
    const reacted = await waitFor(() => messagesOf(h!, h!.general).find((m) => m.id === stop.id && m.reactions?.length), 10_000, "reaction");
    // Settled: a later mention is answered, so no second acknowledgement is still on its way.
    script.current = async () => "here";
    h.sandbox.control.postMessage(h.general, h.humanId, `<@${a.userId}> still there?`);
    await waitFor(() => messagesOf(h!, h!.general).find((m) => m.author.id === a.userId && m.content === "here"), 10_000, "answer after stop");
    return { stop, reacted, bobb, a, b, brain };
  }

  it("is one 🛑 reaction by BoBB when BoBB is in the channel, however many bots see the stop", async () => {
    const { stop, reacted, bobb, a, b, brain } = await stopWithTwoBots(true);
    expect(reacted.reactions).toEqual([expect.objectContaining({ emoji: expect.objectContaining({ name: STOP_REACTION }), count: 1 })]);
    const asBobb = messagesOf(h!, h!.general, bobb!.userId).find((m) => m.id === stop.id)!;
    expect(asBobb.reactions![0]!.me).toBe(true);
    for (const bot of [a, b]) expect(messagesOf(h!, h!.general, bot.userId).find((m) => m.id === stop.id)!.reactions![0]!.me).toBe(false);
    expect(brain.aborts.sort()).toEqual([`a:${h!.general}`, `b:${h!.general}`]);
    // No line was posted for it.
    expect(messagesOf(h!, h!.general).filter((m) => /stopped/i.test(m.content))).toEqual([]);
  });

  it("is one reaction by one of the bots when BoBB is not there", async () => {
    const { stop, reacted, a, b } = await stopWithTwoBots(false);
    expect(reacted.reactions).toEqual([expect.objectContaining({ emoji: expect.objectContaining({ name: STOP_REACTION }), count: 1 })]);
    const byBot = [a, b].filter((bot) => messagesOf(h!, h!.general, bot.userId).find((m) => m.id === stop.id)!.reactions![0]!.me);
    expect(byBot).toHaveLength(1);
  });
});

describe("stopChannel (the stop path as a command)", () => {
  it("aborts every turn in the channel and closes it to bot-to-bot turns until a person mentions a bot", async () => {
    const script: { current: Script } = { current: slow };
    const brain = scriptedBrain(script);
    h = await startBotsHarness(brain);
    const a = await h.addBot("a", "Bot A");
    const b = await h.addBot("b", "Bot B");
    h.sandbox.control.postMessage(h.general, h.humanId, `<@${a.userId}> think about it`);
    await waitFor(() => h!.turns.liveTurns("a").length === 1 || undefined, 10_000, "turn in progress");
    expect(await h.conversations.stopChannel(h.general, h.humanId)).toEqual(["a"]);
    expect(h.turns.liveTurns("a")).toEqual([]);
    expect(brain.aborts).toEqual([`a:${h.general}`]);
    expect(h.governor.allowBotTurn({ channelId: h.general, fromBotId: a.userId, toBotId: b.userId })).toMatchObject({ allowed: false, reason: "closed" });
    // Nothing to stop: nothing aborted, and nothing said (the command answers for itself).
    expect(await h.conversations.stopChannel(h.general, h.humanId)).toEqual([]);
    expect(messagesOf(h, h.general).filter((m) => m.author.bot)).toEqual([]);
  });
});
