import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSupervisor, type Supervisor } from "../helpers/supervisor.js";
import { waitFor } from "../helpers/wait.js";
import { answerTags, settle, summary, tally } from "./mention-tally.js";

/** Issue 20 item 4: mentions made while the supervisor was down are read on start and answered once. */
const WINDOW_MS = 8_000;
let s: Supervisor;

beforeAll(async () => {
  s = await startSupervisor({ mode: "shared", env: { BOBB_RESUME_WINDOW: String(WINDOW_MS) } });
  s.model.setRules([answerTags()]);
}, 180_000);
afterAll(async () => {
  await s?.close();
});

const RESTARTED = /I restarted/;

describe("mentions while the supervisor is stopped", () => {
  it("are answered after start, each once; one older than the window gets one notice; one followed by stop is not answered", async () => {
    const debate = s.sandbox.control.channelId("debate");
    const mention = (channel: string, text: string) => String(s.sandbox.control.postMessage(channel, s.humanId, `<@${s.bobbUserId}> ${text}`).id);
    // BoBB has seen both channels before it goes down.
    mention(s.general, "ask-warm1 hello");
    mention(debate, "ask-warm2 hello");
    await waitFor(() => tally(s.messages(s.general), s.bobbUserId, ["ask-warm1"]).get("ask-warm1") === 1, 30_000, "warm-up answer in #general");
    await waitFor(() => tally(s.messages(debate), s.bobbUserId, ["ask-warm2"]).get("ask-warm2") === 1, 30_000, "warm-up answer in #debate");
    await s.stopApp();

    const old = mention(s.general, "ask-old are you there?");
    const oldAt = Date.now();
    // The clock has to pass the window; nothing else is waited on here.
    await waitFor(() => Date.now() - oldAt > WINDOW_MS + 200, WINDOW_MS + 5_000, "the old mention to age");
    const tags = ["ask-1", "ask-2", "ask-3"];
    for (const tag of tags) mention(s.general, `${tag} what can you do?`);
    s.sandbox.control.postMessage(s.general, s.humanId, "just chatting, no mention");
    mention(debate, "ask-stopped tell me a story");
    s.sandbox.control.postMessage(debate, s.humanId, "stop");

    await s.restartApp();
    const counts = () => tally(s.messages(s.general), s.bobbUserId, tags);
    const notices = () => s.messages(s.general).filter((m) => m.author.id === s.bobbUserId && RESTARTED.test(m.content));
    await settle(() => [...counts().values()].every((n) => n >= 1) && notices().length >= 1, 60_000);
    console.log(`[faults] mentions while stopped: ${summary(counts())}; notices for the old one: ${notices().length}`);
    expect([...counts().values()]).toEqual([1, 1, 1]);
    expect(notices().map((m) => m.message_reference?.message_id)).toEqual([old]);
    expect(tally(s.messages(s.general), s.bobbUserId, ["ask-old"]).get("ask-old")).toBe(0);
    expect(tally(s.messages(debate), s.bobbUserId, ["ask-stopped"]).get("ask-stopped")).toBe(0);

    // A second restart reads the same channels again and answers nothing twice.
    const before = s.messages(s.general).length + s.messages(debate).length;
    const caughtUp = () => s.logs.filter((l) => l.includes("read missed messages")).length;
    const seen = caughtUp();
    await s.stopApp();
    await s.restartApp();
    await waitFor(() => caughtUp() >= seen + 2, 60_000, "BoBB read both channels again");
    // A fresh mention is answered after anything the restart would have answered in #general.
    mention(s.general, "ask-after hello again");
    await waitFor(() => tally(s.messages(s.general), s.bobbUserId, ["ask-after"]).get("ask-after") === 1, 30_000, "the fresh mention answered");
    const all = [...s.messages(s.general), ...s.messages(debate)].sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
    // Seen once under load (17 for 16): name what came, so a failure says which message was extra.
    const extra = all.slice(-3).map((m) => `${m.author.id === s.bobbUserId ? "BoBB" : m.author.id}: ${m.content.slice(0, 80)}`);
    expect(all.length, `the last messages: ${extra.join(" | ")}`).toBe(before + 2);
    expect([...counts().values()]).toEqual([1, 1, 1]);
  }, 240_000);
});
