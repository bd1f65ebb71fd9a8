import { afterEach, describe, expect, it } from "vitest";
import type { AgentBrain } from "../../src/discord/index.js";
import { startBotsHarness, type BotsHarness } from "../helpers/bots.js";
import { waitFor } from "../helpers/wait.js";

/**
 * Threads on the product side, on a real sandbox with real discord.js clients and a scripted brain:
 * a thread is its own channel, so its own conversation key, governor channel and stop scope.
 */
interface Prompt {
  agentId: string;
  key: string;
  text: string;
}
type Script = (p: Prompt, signal: AbortSignal | undefined) => Promise<string>;

function scriptedBrain(script: { current: Script }): AgentBrain & { prompts: Prompt[]; aborts: string[] } {
  const prompts: Prompt[] = [];
  const aborts: string[] = [];
  return {
    prompts,
    aborts,
    prompt: async (agentId, key, text, { signal }) => {
      const p = { agentId, key, text };
      prompts.push(p);
      return { text: await script.current(p, signal), usedTools: [] };
    },
    abort: async (agentId, key) => void aborts.push(`${agentId}:${key}`),
  };
}

const slow: Script = (p, signal) =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(`late answer (${p.key})`), p.text.includes("quick") ? 10 : 1_500);
    signal?.addEventListener("abort", () => (clearTimeout(timer), reject(new Error("aborted"))));
  });

let h: BotsHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe("threads", () => {
  it("a mention in a thread is answered in the thread, with the thread as its own conversation", async () => {
    const brain = scriptedBrain({ current: async (p) => `answer for ${p.key}` });
    h = await startBotsHarness(brain);
    const chef = await h.addBot("chef", "Chef Bot");
    const starter = h.sandbox.control.postMessage(h.general, h.humanId, "menu planning");
    const thread = String(h.sandbox.control.createThread(h.general, h.humanId, { name: "Menu", message_id: String(starter["id"]) })["id"]);
    h.sandbox.control.postMessage(thread, h.humanId, `<@${chef.userId}> soup or salad?`);
    const answer = await waitFor(
      () => h!.sandbox.control.listMessages(thread).find((m) => (m["author"] as { id: string }).id === chef.userId),
      10_000,
      "answer in the thread",
    );
    expect(answer["content"]).toBe(`answer for ${thread}`);
    expect(brain.prompts[0]?.text).toContain(`[Discord Channel ${thread}]`);
    h.sandbox.control.postMessage(h.general, h.humanId, `<@${chef.userId}> and in the channel?`);
    await waitFor(() => brain.prompts.length === 2, 10_000, "second prompt");
    expect(brain.prompts.map((p) => p.key)).toEqual([thread, h.general]);
    // Nothing the bot said in the thread leaked into the parent channel.
    await waitFor(() => h!.sandbox.control.listMessages(h!.general).some((m) => m["content"] === `answer for ${h!.general}`), 10_000, "channel answer");
    expect(h.sandbox.control.listMessages(h.general).some((m) => m["content"] === `answer for ${thread}`)).toBe(false);
  });

  it("a 'stop' in a thread stops that thread only; the parent channel's turn goes on", async () => {
    const brain = scriptedBrain({ current: slow });
    h = await startBotsHarness(brain);
    const chef = await h.addBot("chef", "Chef Bot");
    const thread = String(h.sandbox.control.createThread(h.general, h.humanId, { name: "Side talk" })["id"]);
    h.sandbox.control.postMessage(thread, h.humanId, `<@${chef.userId}> think slowly here`);
    h.sandbox.control.postMessage(h.general, h.humanId, `<@${chef.userId}> and slowly there`);
    await waitFor(() => h!.turns.liveTurns("chef").length === 2, 10_000, "two turns in progress");
    h.sandbox.control.postMessage(thread, h.humanId, "stop");
    await waitFor(() => brain.aborts.includes(`chef:${thread}`), 10_000, "the thread's turn aborted");
    const parentAnswer = await waitFor(
      () => h!.sandbox.control.listMessages(h!.general).find((m) => m["content"] === `late answer (${h!.general})`),
      10_000,
      "the channel's answer",
    );
    expect(parentAnswer).toBeDefined();
    expect(brain.aborts).not.toContain(`chef:${h.general}`);
    expect(h.sandbox.control.listMessages(thread).some((m) => String(m["content"]).startsWith("late answer"))).toBe(false);
  });

  it("a message's attachments are listed in the prompt by name, type and size", async () => {
    const brain = scriptedBrain({ current: async () => "got it" });
    h = await startBotsHarness(brain);
    const chef = await h.addBot("chef", "Chef Bot");
    h.sandbox.control.postMessage(h.general, h.humanId, `<@${chef.userId}> see the file`, {
      files: [{ filename: "recipe.txt", contentType: null, data: Buffer.from("2 eggs\n") }],
    });
    await waitFor(() => brain.prompts.length === 1, 10_000, "prompt");
    expect(brain.prompts[0]?.text).toContain("--- Attachments ---\n- recipe.txt (text/plain; charset=utf-8, 7 bytes) — sent as text\n--- End Attachments ---");
  });
});
