import { afterEach, describe, expect, it } from "vitest";
import type { AgentBrain } from "../../src/discord/index.js";
import type { ObservedEvent } from "../../src/sandbox/index.js";
import { startBotsHarness, type BotsHarness } from "../helpers/bots.js";
import { waitFor } from "../helpers/wait.js";

/**
 * The Discord side on a real sandbox with real discord.js clients. The agent brain here is
 * a small scripted function so these tests pin down routing, replies, the governor and stop
 * words on their own; test/e2e runs the same paths with the real opencode binary.
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

const messageIdOf = (text: string) => /Message ID: (\d+)/.exec(text)?.[1];

let h: BotsHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe("replies", () => {
  it("answers a human mention once, as a reply, with typing first; answers a DM in the DM", async () => {
    const script = { current: (async (p: Prompt) => `Chef here (${p.key})`) as Script };
    const brain = scriptedBrain(script);
    h = await startBotsHarness(brain);
    const chef = await h.addBot("chef", "Chef Bot");
    const events: ObservedEvent[] = [];
    h.sandbox.control.onEvent((e) => events.push(e));
    const asked = h.sandbox.control.postMessage(h.general, h.humanId, `hi <@${chef.userId}> what's for dinner?`);
    const reply = await waitFor(
      () => events.find((e) => e.t === "MESSAGE_CREATE" && (e.d.author as { id: string }).id === chef.userId),
      10_000,
      "chef's reply",
    );
    expect(reply.d.content).toBe(`Chef here (${h.general})`);
    expect((reply.d.message_reference as { message_id: string }).message_id).toBe(asked.id);
    const typingAt = events.findIndex((e) => e.t === "TYPING_START" && e.d.user_id === chef.userId);
    expect(typingAt).toBeGreaterThanOrEqual(0);
    expect(typingAt).toBeLessThan(events.indexOf(reply));
    expect(brain.prompts).toHaveLength(1);
    expect(brain.prompts[0]!.text).toContain(`You are: Chef Bot (@`);
    expect(brain.prompts[0]!.text).toContain(`From: chris (User ID: ${h.humanId})`);
    expect(brain.prompts[0]!.text).toContain(`hi @Chef Bot what's for dinner?`);

    const dm = h.sandbox.control.openDm(h.humanId, chef.userId).channel_id;
    h.sandbox.control.postMessage(dm, h.humanId, "hello in private");
    const dmReply = await waitFor(
      () => events.find((e) => e.t === "MESSAGE_CREATE" && e.d.channel_id === dm && (e.d.author as { id: string }).id === chef.userId),
      10_000,
      "DM reply",
    );
    expect(dmReply.d.content).toBe(`Chef here (dm-${h.humanId})`);
  });

  it("splits a 5,000-character answer with a code block into parts of at most 2,000 with balanced fences", async () => {
    const code = Array.from({ length: 120 }, (_, i) => `const line${i} = "${"x".repeat(20)}";`).join("\n");
    const long = `Here is the recipe.\n\n\`\`\`ts\n${code}\n\`\`\`\n\n${"Enjoy it. ".repeat(60)}`;
    expect(long.length).toBeGreaterThan(5000);
    h = await startBotsHarness(scriptedBrain({ current: async () => long }));
    const chef = await h.addBot("chef", "Chef Bot");
    h.sandbox.control.postMessage(h.general, h.humanId, `<@${chef.userId}> long please`);
    const parts = await waitFor(
      () => {
        const mine = h!.sandbox.control.listMessages(h!.general).filter((m) => (m.author as { id: string }).id === chef.userId);
        return mine
          .map((m) => m.content as string)
          .join("")
          .includes("Enjoy it. Enjoy it.") && mine.at(-1)!.content!.toString().trimEnd().endsWith("Enjoy it.")
          ? mine
          : undefined;
      },
      15_000,
      "all parts",
    );
    expect(parts.length).toBeGreaterThanOrEqual(3);
    for (const part of parts) {
      const text = part.content as string;
      expect(text.length).toBeLessThanOrEqual(2000);
      expect((text.match(/```/g) ?? []).length % 2).toBe(0);
    }
  });
});

describe("routing between bots", () => {
  it("answers a bot's typed mention, ignores a bot without one, a reply-ping alone and its own messages", async () => {
    const script = { current: (async () => "ok") as Script };
    const brain = scriptedBrain(script);
    h = await startBotsHarness(brain);
    const a = await h.addBot("a", "Bot A");
    const b = await h.addBot("b", "Bot B");
    const plain = await h.actions.send("a", { channel_id: h.general, content: "just talking, no mention" });
    const human = h.sandbox.control.postMessage(h.general, h.humanId, "a human line");
    // A reply to B's message pings nobody in content; B must not answer it.
    const fromB = await h.actions.send("b", { channel_id: h.general, content: "B speaks" });
    const channel = await h.bots.get("a")!.client.channels.fetch(h.general);
    if (!channel?.isSendable()) throw new Error("general is not sendable");
    const replyPing = await channel.send({
      content: "reply without typed mention",
      reply: { messageReference: fromB.message_ids[0]! },
      allowedMentions: { repliedUser: true },
    });
    const mention = await h.actions.send("a", { channel_id: h.general, content: "your turn", mention_bots: ["Bot B"] });
    await waitFor(() => brain.prompts.find((p) => messageIdOf(p.text) === mention.message_ids[0]), 10_000, "B prompted for the mention");
    await waitFor(
      () => h!.sandbox.control.listMessages(h!.general).some((m) => (m.author as { id: string }).id === b.userId && m.content === "ok"),
      10_000,
      "B's answer",
    );
    const answered = brain.prompts.map((p) => messageIdOf(p.text));
    expect(answered).toEqual([mention.message_ids[0]]);
    expect(answered).not.toContain(plain.message_ids[0]);
    expect(answered).not.toContain(human.id);
    expect(answered).not.toContain(replyPing.id);
    expect(brain.prompts[0]!.agentId).toBe("b");
    expect(brain.prompts[0]!.text).toContain(`[BOT] (Bot Name: Bot A)`);
    expect(a.userId).not.toBe(b.userId);
  });

  it("never lets a bot mention itself or post a token through send_message", async () => {
    h = await startBotsHarness(scriptedBrain({ current: async () => "" }));
    await h.addBot("a", "Bot A");
    const sent = await h.actions.send("a", { channel_id: h.general, content: "me me", mention_bots: ["bot a"] });
    expect(sent.warnings[0]).toMatch(/is you/);
    const posted = h.sandbox.control.listMessages(h.general).find((m) => m.id === sent.message_ids[0]);
    expect(posted?.content).toBe("me me");
    await expect(h.actions.send("a", { channel_id: h.general, content: "x", mention_bots: ["Nobody"] })).rejects.toMatchObject({ code: "UNKNOWN_BOT_NAME" });
    const token = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789";
    const leaked = await h.actions.send("a", { channel_id: h.general, content: `oops ${token}` });
    expect(h.sandbox.control.listMessages(h.general).find((m) => m.id === leaked.message_ids[0])?.content).toBe("oops [redacted token]");
  });
});

describe("loop governor and stop words", () => {
  it("ends two adversarial bots within the cap, with one notice", async () => {
    const script: { current: Script } = { current: async () => "" };
    const brain = scriptedBrain(script);
    h = await startBotsHarness(brain, { governor: { botTurnCap: 6 } });
    const harness = h;
    await harness.addBot("a", "Bot A");
    await harness.addBot("b", "Bot B");
    script.current = async (p) => {
      const other = p.agentId === "a" ? "Bot B" : "Bot A";
      await harness.actions.send(p.agentId, { channel_id: harness.general, content: `I disagree (${p.agentId})`, mention_bots: [other] });
      return "";
    };
    harness.sandbox.control.postMessage(harness.general, harness.humanId, `<@${harness.bots.get("a")!.client.user.id}> start a fight with Bot B`);
    const notice = await waitFor(
      () => harness.sandbox.control.listMessages(harness.general).find((m) => String(m.content).includes("paused")),
      20_000,
      "governor notice",
    );
    await waitFor(() => harness.turns.liveTurns("a").length + harness.turns.liveTurns("b").length === 0, 10_000, "no live turns");
    const botMessages = harness.sandbox.control.listMessages(harness.general).filter((m) => (m.author as { bot?: boolean }).bot && m.id !== notice.id);
    expect(botMessages.length).toBe(6);
    expect(harness.sandbox.control.listMessages(harness.general).filter((m) => String(m.content).includes("paused"))).toHaveLength(1);
  });

  it("a human 'stop' aborts a reply being written; nothing is posted after it; a mention works again", async () => {
    const script: { current: Script } = {
      current: (_p, signal) =>
        new Promise((resolve, reject) => {
          const timer = setTimeout(() => resolve("too late"), 10_000);
          signal?.addEventListener("abort", () => (clearTimeout(timer), reject(new Error("aborted"))));
        }),
    };
    const brain = scriptedBrain(script);
    h = await startBotsHarness(brain);
    const chef = await h.addBot("chef", "Chef Bot");
    h.sandbox.control.postMessage(h.general, h.humanId, `<@${chef.userId}> think slowly`);
    await waitFor(() => h!.turns.liveTurns("chef").length === 1 && brain.prompts.length === 1, 10_000, "turn in progress");
    const stop = h.sandbox.control.postMessage(h.general, h.humanId, "STOP!");
    await waitFor(() => brain.aborts.includes(`chef:${h!.general}`), 10_000, "abort");
    await waitFor(() => h!.turns.liveTurns("chef").length === 0, 10_000, "turn ended");
    script.current = async () => "back again";
    h.sandbox.control.postMessage(h.general, h.humanId, `<@${chef.userId}> are you there?`);
    const back = await waitFor(() => h!.sandbox.control.listMessages(h!.general).find((m) => m.content === "back again"), 10_000, "answer after stop");
    const all = h.sandbox.control.listMessages(h.general);
    const between = all.slice(
      all.findIndex((m) => m.id === stop.id) + 1,
      all.findIndex((m) => m.id === back.id),
    );
    expect(between.filter((m) => (m.author as { bot?: boolean }).bot)).toEqual([]);
    expect(all.some((m) => m.content === "too late")).toBe(false);
  });
});

describe("crash isolation", () => {
  it("a token reset takes that bot offline with a reason; the other keeps answering", async () => {
    h = await startBotsHarness(scriptedBrain({ current: async (p) => `answer from ${p.agentId}` }));
    const a = await h.addBot("a", "Bot A");
    const b = await h.addBot("b", "Bot B");
    h.sandbox.control.resetToken(a.applicationId);
    await waitFor(() => h!.failures.find((f) => f.agentId === "a"), 10_000, "failure of a");
    expect(h.failures[0]!.reason).toMatch(/token/);
    expect(h.bots.get("a")).toBeUndefined();
    h.sandbox.control.postMessage(h.general, h.humanId, `<@${b.userId}> still there?`);
    await waitFor(() => h!.sandbox.control.listMessages(h!.general).find((m) => m.content === "answer from b"), 10_000, "b answers");
  });
});
