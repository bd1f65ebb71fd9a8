import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RequestView } from "../../src/demo-model/index.js";
import type { ObservedEvent } from "../../src/sandbox/index.js";
import { startSupervisor, type Supervisor } from "../helpers/supervisor.js";
import { waitFor } from "../helpers/wait.js";

/** Bots in conversation, end to end: sandbox + real discord.js + real opencode + scripted model. */
let s: Supervisor;
let chef: { id: string; userId: string; applicationId: string };
let pirate: { id: string; userId: string; applicationId: string };

const channelOf = (v: RequestView) => /Channel ID: (\d+)/.exec(v.lastUser)?.[1] ?? "";
const messageIdOf = (text: string) => /Message ID: (\d+)/.exec(text)?.[1];
/** Matches the message itself (the end of the context), not the history above it. */
const said = (text: string) => new RegExp(`${text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}[?!.]*$`, "i");
const byAuthor = (id: string) => (m: { author: { id: string } }) => m.author.id === id;

beforeAll(async () => {
  s = await startSupervisor();
  chef = await s.addChild("Chef Bot", "Only cooks Italian food, loves basil.");
  pirate = await s.addChild("Pirate Bot", "Talks like a pirate, loves the sea.");
}, 180_000);
afterAll(async () => {
  await s?.close();
});

describe("people and bots", () => {
  it("a human mention gets one reply, in persona, as a reply, with typing first", async () => {
    const events: ObservedEvent[] = [];
    const off = s.sandbox.control.onEvent((e) => events.push(e));
    const asked = s.sandbox.control.postMessage(s.general, s.humanId, `<@${chef.userId}> what's for dinner?`);
    const reply = await waitFor(
      () => events.find((e) => e.t === "MESSAGE_CREATE" && (e.d.author as { id: string }).id === chef.userId),
      30_000,
      "chef's reply",
    );
    off();
    expect(String(reply.d.content)).toContain("Only cooks Italian food");
    expect((reply.d.message_reference as { message_id: string }).message_id).toBe(asked.id);
    const typing = events.findIndex((e) => e.t === "TYPING_START" && e.d.user_id === chef.userId);
    expect(typing).toBeGreaterThanOrEqual(0);
    expect(typing).toBeLessThan(events.indexOf(reply));
    const seen = s.model.requests.find((r) => r.agent === chef.id && r.view.lastUser.includes(String(asked.id)));
    expect(seen?.view.system).toContain("Chef Bot");
    expect(seen?.view.lastUser).toContain(`You are: Chef Bot (@`);
    expect(s.messages(s.general).filter(byAuthor(chef.userId))).toHaveLength(1);
  });

  it("a human's DM to BoBB is answered in the DM", async () => {
    const dm = s.sandbox.control.openDm(s.humanId, s.bobbUserId).channel_id;
    s.sandbox.control.postMessage(dm, s.humanId, "hello BoBB, what can you do?");
    const reply = await waitFor(() => s.messages(dm).find(byAuthor(s.bobbUserId)), 30_000, "BoBB's DM reply");
    expect(reply.content).toContain("BoBB");
  });

  it("bot A's typed mention makes bot B answer; no mention, a reply-ping alone or its own message do not", async () => {
    s.model.setRules([
      {
        agent: "chef-bot",
        user: said("say hello to the pirate"),
        reply: (v) => ({
          toolCalls: [{ name: "send_message", args: { channel_id: channelOf(v), content: "Ahoy, what do pirates eat?", mention_bots: ["Pirate Bot"] } }],
        }),
      },
      {
        agent: "chef-bot",
        user: said("just talk"),
        reply: (v) => ({ toolCalls: [{ name: "send_message", args: { channel_id: channelOf(v), content: "Basil is the best herb." } }] }),
      },
      { agent: "chef-bot", after: "tool", reply: "" },
    ]);
    const debate = s.sandbox.control.channelId("debate");
    s.sandbox.control.postMessage(debate, s.humanId, `<@${chef.userId}> just talk`);
    const plain = await waitFor(() => s.messages(debate).find((m) => m.content === "Basil is the best herb."), 30_000, "chef's plain message");
    s.sandbox.control.postMessage(debate, s.humanId, `<@${chef.userId}> say hello to the pirate`);
    const mention = await waitFor(() => s.messages(debate).find((m) => m.content.includes("what do pirates eat")), 30_000, "chef's mention");
    expect(mention.content.startsWith(`<@${pirate.userId}>`)).toBe(true);
    const answer = await waitFor(() => s.messages(debate).find(byAuthor(pirate.userId)), 30_000, "pirate's answer");
    expect(answer.message_reference?.message_id).toBe(mention.id);
    expect(answer.content).toContain("Chef Bot");
    // A human reply to the pirate without a typed mention is not a mention.
    s.sandbox.control.postMessage(debate, s.humanId, "nice one", { message_reference: { message_id: answer.id } });
    const final = s.sandbox.control.postMessage(debate, s.humanId, `<@${pirate.userId}> last question`);
    await waitFor(() => s.messages(debate).filter(byAuthor(pirate.userId)).length === 2, 30_000, "pirate's second answer");
    const pirateTurns = s.model.requests.filter((r) => r.agent === pirate.id && r.view.toolResults.length === 0 && r.view.tools.length > 0);
    expect(pirateTurns.map((r) => messageIdOf(r.view.lastUser))).toEqual([mention.id, final.id]);
    expect(pirateTurns.some((r) => r.view.lastUser.includes(plain.id) && messageIdOf(r.view.lastUser) === plain.id)).toBe(false);
    s.model.setRules([]);
  });

  it("the demo model answers in character through OpenCode: the chef names a dish, the pirate says arr", async () => {
    const answer = async (bot: { userId: string }, text: string) => {
      const asked = s.sandbox.control.postMessage(s.general, s.humanId, `<@${bot.userId}> ${text}`);
      return (
        await waitFor(() => s.messages(s.general).find((m) => m.author.id === bot.userId && m.message_reference?.message_id === asked.id), 30_000, "reply")
      ).content;
    };
    expect(await answer(chef, "what should I have for lunch?")).toMatch(/risotto|carbonara|pomodoro|margherita|osso buco/i);
    expect(await answer(pirate, "how was the voyage?")).toMatch(/\barr\b/i);
  });

  it("a 5,000-character answer with a code block arrives in parts of at most 2,000 with balanced fences", async () => {
    const code = Array.from({ length: 110 }, (_, i) => `step_${i} = "${"stir ".repeat(6)}"`).join("\n");
    const long = `Recipe:\n\n\`\`\`python\n${code}\n\`\`\`\n\n${"Buon appetito! ".repeat(50)}`;
    expect(long.length).toBeGreaterThan(5000);
    s.model.setRules([{ agent: "chef-bot", user: said("long recipe please"), reply: long }]);
    s.sandbox.control.postMessage(s.general, s.humanId, `<@${chef.userId}> long recipe please`);
    const parts = await waitFor(
      () => {
        const mine = s.messages(s.general).filter(byAuthor(chef.userId));
        return mine.at(-1)?.content.trimEnd().endsWith("Buon appetito!") ? mine.filter((m) => !m.content.startsWith("Hey")) : undefined;
      },
      30_000,
      "all parts",
    );
    expect(parts.length).toBeGreaterThanOrEqual(3);
    for (const p of parts) {
      expect(p.content.length).toBeLessThanOrEqual(2000);
      expect((p.content.match(/```/g) ?? []).length % 2).toBe(0);
    }
    s.model.setRules([]);
  });
});

describe("loop prevention", () => {
  it("two adversarial bots that always mention each other stop within the governor's cap", async () => {
    const other = (id: string | undefined) => (id === chef.id ? "Pirate Bot" : "Chef Bot");
    s.model.setRules([
      { agent: "chef-bot", after: "tool", reply: "" },
      { agent: "pirate-bot", after: "tool", reply: "" },
      ...["chef-bot", "pirate-bot"].map((agent) => ({
        agent,
        reply: (v: RequestView) => ({
          toolCalls: [{ name: "send_message", args: { channel_id: channelOf(v), content: "You are wrong!", mention_bots: [other(v.agent)] } }],
        }),
      })),
    ]);
    const arena = s.sandbox.control.createUser("arena").id;
    const channel = s.sandbox.control.channelId("debate");
    const start = s.sandbox.control.postMessage(channel, arena, `<@${chef.userId}> argue with the pirate forever`);
    const notice = await waitFor(() => s.messages(channel).find((m) => m.content.includes("paused")), 90_000, "governor notice");
    const after = s.messages(channel).slice(s.messages(channel).findIndex((m) => m.id === start.id) + 1);
    const debate = after.filter((m) => m.content.includes("You are wrong!"));
    console.log(`adversarial exchange: ${debate.length} bot messages before the governor stopped it (cap 8)`);
    expect(debate.length).toBe(8);
    expect(after.filter((m) => m.content.includes("paused"))).toEqual([notice]);
    // The system speaks, not a debater: BoBB is in the channel, so it posts the notice.
    expect(notice.author.id).toBe(s.bobbUserId);
    s.model.setRules([]);
  }, 120_000);

  it("'stop' while a reply is being written: nothing is posted after it, then a mention works again", async () => {
    s.model.setRules([
      { agent: "chef-bot", user: said("think slowly"), reply: "a very late answer", delayMs: 5_000 },
      { agent: "chef-bot", user: said("are you back"), reply: "Back in the kitchen." },
    ]);
    const channel = s.general;
    s.sandbox.control.postMessage(channel, s.humanId, `<@${chef.userId}> think slowly`);
    const slow = await s.model.waitForRequest((r) => r.agent === chef.id && r.view.lastUser.includes("think slowly"), 30_000);
    const stop = s.sandbox.control.postMessage(channel, s.humanId, "stop!");
    await waitFor(() => slow.aborted, 15_000, "OpenCode to drop the slow request");
    s.sandbox.control.postMessage(channel, s.humanId, `<@${chef.userId}> are you back?`);
    const back = await waitFor(() => s.messages(channel).find((m) => m.content === "Back in the kitchen."), 30_000, "answer after stop");
    const all = s.messages(channel);
    const between = all.slice(
      all.findIndex((m) => m.id === stop.id) + 1,
      all.findIndex((m) => m.id === back.id),
    );
    expect(between.filter((m) => m.author.bot)).toEqual([]);
    expect(all.some((m) => m.content === "a very late answer")).toBe(false);
    // Acknowledged once, by BoBB, though BoBB and two bots saw the stop.
    const reactions = (viewer: string) =>
      (s.sandbox.control.listMessages(channel, viewer).find((m) => m.id === stop.id)?.reactions ?? []) as Array<{
        emoji: { name: string };
        count: number;
        me: boolean;
      }>;
    expect(reactions(s.bobbUserId)).toEqual([expect.objectContaining({ emoji: expect.objectContaining({ name: "🛑" }), count: 1, me: true })]);
    s.model.setRules([]);
  }, 120_000);
});

describe("crash isolation", () => {
  it("a bot whose token is reset goes offline with last_error; the others keep answering", async () => {
    s.sandbox.control.resetToken(chef.applicationId);
    await waitFor(() => s.app.registry.snapshot.agents[chef.id]?.last_error, 30_000, "last_error");
    expect(s.app.registry.snapshot.agents[chef.id]!.last_error).toMatch(/token/);
    expect(s.app.bots.get(chef.id)).toBeUndefined();
    s.sandbox.control.postMessage(s.general, s.humanId, `<@${pirate.userId}> still sailing?`);
    await waitFor(() => s.messages(s.general).find((m) => m.author.id === pirate.userId && m.content.includes("still sailing")), 30_000, "pirate answers");
  });
});
