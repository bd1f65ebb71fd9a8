import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSupervisor, type Supervisor } from "../helpers/supervisor.js";
import { waitFor } from "../helpers/wait.js";
import { answerTags, settle, summary, tally } from "./mention-tally.js";

/** Issue 20 item 3: mentions accepted but not answered when the supervisor stops are answered after the restart. */
let s: Supervisor;

beforeAll(async () => {
  s = await startSupervisor({ mode: "shared" });
}, 180_000);
afterAll(async () => {
  await s?.close();
});

describe("shutdown with mentions waiting", () => {
  it("answers all 10 after the restart, each once", async () => {
    // A slow model: the first mention is being answered, the other nine wait behind it.
    s.model.setRules([answerTags(120_000)]);
    const tags = Array.from({ length: 10 }, (_, i) => `ask-${i}`);
    const posted = tags.map((tag) => String(s.sandbox.control.postMessage(s.general, s.humanId, `<@${s.bobbUserId}> ${tag} what do you build?`).id));
    await s.model.waitForRequest((r) => r.view.lastUser.includes("ask-0"), 60_000);
    const general = s.app.bots.get("bobb")!.client.channels.cache.get(s.general);
    if (!general?.isTextBased()) throw new Error("BoBB does not see #general");
    await waitFor(() => posted.every((id) => general.messages.cache.has(id)), 30_000, "all ten delivered to BoBB");
    // What SIGTERM runs (main.ts: app.close()), then a new supervisor on the same files with an instant model.
    const stopping = Date.now();
    await s.stopApp();
    const stopMs = Date.now() - stopping;
    s.model.setRules([answerTags()]);
    await s.restartApp();
    const counts = () => tally(s.messages(s.general), s.bobbUserId, tags);
    await settle(() => [...counts().values()].every((n) => n >= 1), 60_000);
    console.log(`[faults] shutdown with 10 mentions waiting: ${summary(counts())}; shutdown took ${stopMs} ms`);
    // Shutdown stays quick: it writes one small file and aborts the prompt in flight, it waits for no answer.
    expect(stopMs).toBeLessThan(10_000);
    expect([...counts().values()]).toEqual(tags.map(() => 1));
    const notices = s.messages(s.general).filter((m) => m.author.id === s.bobbUserId && /Sorry|Try again/.test(m.content));
    expect(notices).toEqual([]);
  }, 240_000);
});
