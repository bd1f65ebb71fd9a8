// OpenCode dies while bots are answering (issue 20, item 1): `kill -9` of the server while the
// scripted model is still thinking. The runtime restarts the server, the prompt that was running
// is sent again, once, and every mention is answered exactly once; nobody reads "Sorry".
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSupervisor, type Supervisor } from "../helpers/supervisor.js";
import { waitFor } from "../helpers/wait.js";

type Child = { id: string; userId: string };
/** Matches the message itself (the end of the context), not the history above it. */
const said = (text: string) => new RegExp(`${text}[?!.]*$`, "i");

describe.each(["project", "shared", "isolated"] as const)("kill -9 of OpenCode during an answer (%s mode)", (mode) => {
  let s: Supervisor;
  let chef: Child;
  let pirate: Child;

  beforeAll(async () => {
    s = await startSupervisor({ mode });
    chef = await s.addChild("Chef Bot", "Only cooks Italian food, loves basil.");
    pirate = await s.addChild("Pirate Bot", "Talks like a pirate, loves the sea.");
  }, 240_000);
  afterAll(async () => {
    await s?.close();
  });

  it("both bots answering at once are answered exactly once after the restart", async () => {
    // Slow enough that the kill lands mid-answer; the retry on the new server is slow as well.
    s.model.prependRules(
      { agent: chef.id, user: said("think slowly"), delayMs: 3_000, reply: "Basil, slowly." },
      { agent: pirate.id, user: said("think slowly"), delayMs: 3_000, reply: "Arr, slowly." },
    );
    const startedAt = Date.now();
    const asked = String(s.sandbox.control.postMessage(s.general, s.humanId, `<@${chef.userId}> <@${pirate.userId}> think slowly`).id);
    const reached = (agent: string) => s.model.waitForRequest((r) => r.at >= startedAt && r.agent === agent && r.view.lastUser.includes(asked), 30_000);
    await Promise.all([reached(chef.id), reached(pirate.id)]);
    const victim = s.app.runtime.diagnostics.serverOf(chef.id);
    const pid = victim?.pid;
    expect(pid).toBeGreaterThan(0);
    process.kill(pid!, "SIGKILL");

    const replies = (bot: Child) => s.messages(s.general).filter((m) => m.author.id === bot.userId && m.message_reference?.message_id === asked);
    const answered = () => [chef, pirate].filter((b) => replies(b).some((m) => !/something went wrong/.test(m.content))).length;
    await waitFor(() => answered() === 2, 60_000, "both bots' answers").catch(() => undefined);
    expect(`${answered()}/2 answered`).toBe("2/2 answered");
    expect(s.app.runtime.diagnostics.serverOf(chef.id)?.pid).not.toBe(pid);

    // Settled: a later mention of each is answered, so no second answer is still on its way.
    const later = String(s.sandbox.control.postMessage(s.general, s.humanId, `<@${chef.userId}> <@${pirate.userId}> anything else?`).id);
    const repliesToLater = (bot: Child) => s.messages(s.general).filter((m) => m.author.id === bot.userId && m.message_reference?.message_id === later);
    await waitFor(() => repliesToLater(chef).length > 0 && repliesToLater(pirate).length > 0, 60_000, "answers to the later mention");
    expect(replies(chef).map((m) => m.content)).toEqual(["Basil, slowly."]);
    expect(replies(pirate).map((m) => m.content)).toEqual(["Arr, slowly."]);
    expect(s.messages(s.general).some((m) => /something went wrong/.test(m.content))).toBe(false);
    // Sent again once per prompt the dead server was running: both in shared and project mode, Chef's only in isolated mode.
    const retries = s.logs.filter((l) => l.includes("sending the prompt again") && l.includes(asked));
    expect(retries).toHaveLength(mode === "isolated" ? 1 : 2);
  }, 180_000);
});
