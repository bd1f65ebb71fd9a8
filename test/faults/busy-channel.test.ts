import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSupervisor, type Supervisor } from "../helpers/supervisor.js";
import { answerTags, settle, summary, tally } from "./mention-tally.js";

/** Issue 20 item 5: many people mentioning one bot at once are all answered, together, without "try again". */
const PEOPLE = 20;
const EACH = 10;
let s: Supervisor;

beforeAll(async () => {
  s = await startSupervisor({ mode: "shared" });
  s.model.setRules([answerTags()]);
  s.model.setInstant(true);
}, 180_000);
afterAll(async () => {
  await s?.close();
});

describe("a busy channel", () => {
  it(`${PEOPLE} people x ${EACH} mentions: every mention answered, every person addressed, no refusal, fewer turns than mentions`, async () => {
    // The sandbox seeds two guild channels (#general, #debate); the load is spread over both.
    const channels = [s.general, s.sandbox.control.channelId("debate")];
    const people = Array.from({ length: PEOPLE }, (_, i) => s.sandbox.control.createUser(`person${i}`).id);
    const asked: Array<{ tag: string; id: string; author: string; channel: string }> = [];
    for (let k = 0; k < EACH; k++) {
      for (const [p, author] of people.entries()) {
        const channel = channels[(p + k) % channels.length]!;
        const tag = `ask-p${p}m${k}`;
        const id = String(s.sandbox.control.postMessage(channel, author, `<@${s.bobbUserId}> ${tag} hello?`).id);
        asked.push({ tag, id, author, channel });
      }
    }
    const tags = asked.map((a) => a.tag);
    const all = () => channels.flatMap((c) => s.messages(c));
    const counts = () => tally(all(), s.bobbUserId, tags);
    const refusals = () => all().filter((m) => m.author.id === s.bobbUserId && /Try again/.test(m.content));
    await settle(
      () => [...counts().values()].every((n) => n >= 1) || refusals().length + [...counts().values()].filter((n) => n > 0).length >= tags.length,
      120_000,
    );
    const turns = s.model.requests.filter((r) => r.agent === "bobb" && r.rule === "answer tags").length;
    const replies = all().filter((m) => m.author.id === s.bobbUserId && !/Try again/.test(m.content));
    // Each person is addressed: a reply to one of their messages, or pinged in a reply that answers them.
    const addressed = people.filter((id) =>
      replies.some((m) => asked.some((a) => a.author === id && m.message_reference?.message_id === a.id) || m.content.includes(`<@${id}>`)),
    );
    console.log(
      `[faults] busy channel: ${summary(counts())}; ${refusals().length} refusals; ${turns} turns for ${tags.length} mentions; ${addressed.length}/${PEOPLE} people addressed`,
    );
    expect(refusals()).toEqual([]);
    expect([...counts().values()].every((n) => n === 1)).toBe(true);
    expect(addressed).toHaveLength(PEOPLE);
    expect(turns).toBeLessThan(tags.length);
  }, 240_000);
});
