// Discord's REST is down for a while (issue 20, item 2): 30 consecutive 500s on message create.
// discord.js retries a 5xx three times at once, so one send costs four of them; replies that
// still fail are kept by the outbox and retried with backoff, in order per channel, and every
// mention is answered once the outage clears.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSupervisor, type Supervisor } from "../helpers/supervisor.js";
import { waitFor } from "../helpers/wait.js";

let s: Supervisor;
let chef: { id: string; userId: string };

beforeAll(async () => {
  // A short window keeps the backoff short (its cap follows the window); 60 s is far more than the outage needs.
  s = await startSupervisor({ mode: "shared", env: { BOBB_REPLY_RETRY_WINDOW: "60000" } });
  chef = await s.addChild("Chef Bot", "Only cooks Italian food, loves basil.");
}, 180_000);
afterAll(async () => {
  await s?.close();
});

describe("Discord REST outage", () => {
  it("30 x 500 on message create: every one of 5 mentions is answered after it clears, in order per channel, none twice", async () => {
    const general = s.general;
    const debate = s.sandbox.control.channelId("debate");
    const plan = [general, debate, general, debate, general];
    s.sandbox.control.failNextRest(30, 500, { method: "POST", path: "/messages" });
    const asked = plan.map((channel, i) => ({
      channel,
      id: String(s.sandbox.control.postMessage(channel, s.humanId, `<@${chef.userId}> question ${i + 1}`).id),
    }));
    const repliesTo = (channel: string, id: string) => s.messages(channel).filter((m) => m.author.id === chef.userId && m.message_reference?.message_id === id);
    // A turn answers every mention that waited behind it together, replying to the newest (issue 20, item 5):
    // a mention is answered when the bot replied to it or to a later mention in the same channel.
    const lastReplied = (channel: string) => {
      const ids = asked.filter((a) => a.channel === channel && repliesTo(channel, a.id).length > 0).map((a) => a.id);
      return ids.at(-1);
    };
    const answered = () =>
      asked.filter((a) => {
        const last = lastReplied(a.channel);
        return last !== undefined && BigInt(a.id) <= BigInt(last);
      }).length;
    await waitFor(() => answered() === asked.length, 90_000, "every mention answered").catch(() => undefined);
    expect(`${answered()}/${asked.length} answered`).toBe(`${asked.length}/${asked.length} answered`);

    // Settled: a later mention is answered, so nothing from the outage is still on its way.
    const sentinel = String(s.sandbox.control.postMessage(general, s.humanId, `<@${chef.userId}> anything else?`).id);
    await waitFor(() => repliesTo(general, sentinel).length > 0, 30_000, "the sentinel's answer");
    for (const a of asked) expect(repliesTo(a.channel, a.id).length).toBeLessThanOrEqual(1);
    for (const channel of [general, debate]) {
      const order = s
        .messages(channel)
        .filter((m) => m.author.id === chef.userId)
        .map((m) => m.message_reference?.message_id);
      const inChannel = [...asked.filter((a) => a.channel === channel).map((a) => a.id), ...(channel === general ? [sentinel] : [])];
      // In order: the replies follow the mentions' order (batched ones are skipped, never reordered).
      expect(order).toEqual(inChannel.filter((id) => order.includes(id)));
      expect(order.at(-1)).toBe(inChannel.at(-1));
      expect(s.messages(channel).some((m) => /something went wrong/.test(m.content))).toBe(false);
    }
  }, 180_000);
});
