import type { TextChannel } from "discord.js";
import { afterEach, describe, expect, it } from "vitest";
import type { AgentBrain } from "../../src/discord/index.js";
import { startBotsHarness, type BotsHarness } from "../helpers/bots.js";
import { waitFor } from "../helpers/wait.js";

/**
 * Many bots in one process: a guild message is built into a discord.js Message only by the
 * clients it is about (plus the first one to see it), and every bot's history still has it.
 */
let h: BotsHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function recordingBrain(): AgentBrain & { prompts: Array<{ agentId: string; text: string }> } {
  const prompts: Array<{ agentId: string; text: string }> = [];
  return {
    prompts,
    prompt: async (agentId, _key, text) => {
      prompts.push({ agentId, text });
      return { text: "noted", usedTools: [] };
    },
    abort: async () => undefined,
  };
}

describe("shared guild messages", () => {
  it("a line about nobody is built by one client only, and is in the history of the bot mentioned next", async () => {
    const brain = recordingBrain();
    h = await startBotsHarness(brain);
    const a = await h.addBot("a", "Bot A");
    const b = await h.addBot("b", "Bot B");
    const c = await h.addBot("c", "Bot C");
    const cacheOf = (agentId: string) => (h!.bots.get(agentId)!.client.channels.cache.get(h!.general) as TextChannel).messages.cache;
    const answered = (agentId: string, n: number) =>
      waitFor(() => brain.prompts.filter((p) => p.agentId === agentId).length >= n, 10_000, `${agentId}'s prompt ${n}`);

    // Each bot's first prompt fetches the channel's history once (filling its cache); later ones read the cache and
    // the shared store. All three have had theirs before the line, so only the gateway can put it in a cache.
    h.sandbox.control.postMessage(h.general, h.humanId, `<@${a.userId}> <@${b.userId}> <@${c.userId}> hello`);
    await Promise.all([answered("a", 1), answered("b", 1), answered("c", 1)]);
    const line = h.sandbox.control.postMessage(h.general, h.humanId, "the soup needs more salt");
    const edited = h.sandbox.control.postMessage(h.general, h.humanId, "a line that will go away");
    h.sandbox.control.deleteMessage(h.general, String(edited.id), h.humanId);
    // A mention of A and C: once both built it, every client has handled (or skipped) the lines before.
    const sentinel = h.sandbox.control.postMessage(h.general, h.humanId, `<@${a.userId}> <@${c.userId}> are you there?`);
    await waitFor(() => cacheOf("a").has(String(sentinel.id)) && cacheOf("c").has(String(sentinel.id)), 10_000, "A and C saw the mention");
    const holders = ["a", "b", "c"].filter((id) => cacheOf(id).has(String(line.id)));
    expect(holders).toHaveLength(1);

    h.sandbox.control.postMessage(h.general, h.humanId, `<@${b.userId}> what did I say about the soup?`);
    await answered("b", 2);
    const second = brain.prompts.filter((p) => p.agentId === "b")[1]!.text;
    expect(second).toContain("the soup needs more salt");
    expect(second).toContain("are you there?");
    expect(second).not.toContain("a line that will go away");
  });
});
