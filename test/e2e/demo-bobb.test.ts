// BoBB on the offline demo model, end to end (sandbox, real discord.js, real OpenCode, the
// scripted model's demo rules): a person creates, changes and removes a bot in plain words,
// and a request the demo cannot handle is told so rather than answered with the greeting.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startSupervisor, type Supervisor } from "../helpers/supervisor.js";
import { waitFor } from "../helpers/wait.js";

let s: Supervisor;
beforeAll(async () => {
  s = await startSupervisor({ mode: "shared" });
}, 120_000);
afterAll(async () => {
  await s?.close();
});

/** Asks BoBB in #general and returns its reply to that message. */
async function askBobb(text: string): Promise<string> {
  const asked = s.sandbox.control.postMessage(s.general, s.humanId, `<@${s.bobbUserId}> ${text}`);
  const reply = await waitFor(
    () => s.messages(s.general).find((m) => m.author.id === s.bobbUserId && m.message_reference?.message_id === asked.id),
    60_000,
    `BoBB's answer to "${text}"`,
  );
  return reply.content;
}

it("'I want a bot that…', 'change X's persona', 'remove X', and an honest 'cannot' for the rest", async () => {
  expect(await askBobb("I want a bot that tells pirate jokes")).toContain("Developer Portal");
  expect(s.app.registry.snapshot.agents["pirate-bot"]).toMatchObject({ name: "Pirate Bot", status: "pending_token", created_by: s.humanId });

  expect(await askBobb("change Pirate Bot's persona to a grumpy sea captain who hates jokes")).toContain("new persona");
  expect(s.app.registry.snapshot.agents["pirate-bot"]?.persona).toBe("a grumpy sea captain who hates jokes");

  expect(await askBobb("remove Pirate Bot")).toContain("Pirate Bot was removed");
  expect(s.app.registry.snapshot.agents["pirate-bot"]).toBeUndefined();

  const cannot = await askBobb("what is the capital of France?");
  expect(cannot).toContain("offline demo model");
  expect(cannot).not.toContain("I build Discord bots");
  expect(await askBobb("help")).toContain("Change a persona");
}, 180_000);
