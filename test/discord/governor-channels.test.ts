import { afterEach, describe, expect, it } from "vitest";
import type { AgentBrain } from "../../src/discord/index.js";
import { startBotsHarness, type BotsHarness } from "../helpers/bots.js";
import { waitFor } from "../helpers/wait.js";

let h: BotsHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe("loop governor across channels (real discord.js clients on the sandbox)", () => {
  it("a pair debating in two channels at once gets the all-channel budget, not one budget per channel", async () => {
    const ref: { h?: BotsHarness } = {};
    const brain: AgentBrain = {
      // Each bot answers by mentioning the other, in the channel of its turn: a runaway pair.
      prompt: async (agentId, key) => {
        const other = agentId === "a" ? "Bot B" : "Bot A";
        await ref.h!.actions.send(agentId, { channel_id: key, content: `I disagree (${agentId})`, mention_bots: [other] });
        return { text: "", usedTools: [] };
      },
      abort: async () => undefined,
    };
    h = await startBotsHarness(brain, { governor: { botTurnCap: 100, pairBudget: 5, globalPairBudget: 6 } });
    ref.h = h;
    const a = await h.addBot("a", "Bot A");
    await h.addBot("b", "Bot B");
    const debate = h.sandbox.control.channelId("debate");
    const channels = [h.general, debate];
    for (const channel of channels) h.sandbox.control.postMessage(channel, h.humanId, `<@${a.userId}> start a fight with Bot B`);
    const paused = () => channels.flatMap((c) => h!.sandbox.control.listMessages(c)).filter((m) => String(m.content).includes("paused"));
    await waitFor(() => paused().length >= 1, 20_000, "governor notice");
    await waitFor(() => h!.turns.liveTurns("a").length + h!.turns.liveTurns("b").length === 0, 10_000, "no live turns");
    const botPosts = channels
      .flatMap((c) => h!.sandbox.control.listMessages(c))
      .filter((m) => (m.author as { bot?: boolean }).bot && !String(m.content).includes("paused"));
    // Two answers to the humans, then at most 6 bot-to-bot turns in both channels together (5 + 5 without the bound).
    expect(botPosts.length).toBe(2 + 6);
    expect(paused().some((m) => String(m.content).includes("across all channels"))).toBe(true);
  });
});
