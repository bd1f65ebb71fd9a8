import { afterEach, describe, expect, it } from "vitest";
import { DiscordSideError } from "../../src/api/index.js";
import type { AgentBrain, BrainErrorCode } from "../../src/discord/index.js";
import { CodedError } from "../../src/errors.js";
import { startBotsHarness, type BotsHarness } from "../helpers/bots.js";
import { waitFor } from "../helpers/wait.js";

/** The typed failures of the Discord side, on a real sandbox with real discord.js clients. */
let h: BotsHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** A brain that fails every prompt with the code the test sets. */
function failingBrain(code: { current: BrainErrorCode | "SOMETHING_ELSE" }): AgentBrain {
  return {
    prompt: async () => {
      throw new CodedError(code.current, "scripted failure");
    },
    abort: async () => undefined,
  };
}

describe("a prompt that fails", () => {
  it("tells the person in words that fit the brain's code", async () => {
    const code: { current: BrainErrorCode | "SOMETHING_ELSE" } = { current: "BUSY" };
    h = await startBotsHarness(failingBrain(code));
    const chef = await h.addBot("chef", "Chef");
    const replies = (): string[] =>
      h!.sandbox.control
        .listMessages(h!.general)
        .filter((m) => (m["author"] as { id: string }).id === chef.userId)
        .map((m) => String(m["content"]));
    const expected: Array<[BrainErrorCode | "SOMETHING_ELSE", string]> = [
      ["BUSY", "I'm still working through earlier messages here. Try again in a moment."],
      ["TIMEOUT", "Sorry, I took too long to think about that. Please try again."],
      ["PROMPT_FAILED", "Sorry, something went wrong on my side and I could not answer."],
      ["SOMETHING_ELSE", "Sorry, something went wrong on my side and I could not answer."],
    ];
    for (const [i, [c, text]] of expected.entries()) {
      code.current = c;
      h.sandbox.control.postMessage(h.general, h.humanId, `<@${chef.userId}> dinner?`);
      await waitFor(() => replies().length === i + 1, 10_000);
      expect(replies()[i], c).toBe(text);
    }
  });
});

describe("the Discord side's actions", () => {
  it("fail with a DiscordSideError whose code the API maps (Discord's 403 → DISCORD_FORBIDDEN)", async () => {
    h = await startBotsHarness(failingBrain({ current: "BUSY" }));
    await h.addBot("chef", "Chef");
    h.sandbox.control.failNextRest(1, 403, { method: "POST", path: "/messages" });
    const refused = h.actions.send("chef", { channel_id: h.general, content: "hello" });
    await expect(refused).rejects.toBeInstanceOf(DiscordSideError);
    await expect(refused).rejects.toMatchObject({ code: "DISCORD_FORBIDDEN" });
    await expect(h.actions.send("chef", { channel_id: "123456789012345678", content: "hello" })).rejects.toMatchObject({ code: "CHANNEL_NOT_FOUND" });
    await expect(h.actions.send("nobody", { channel_id: h.general, content: "hello" })).rejects.toMatchObject({ code: "AGENT_NOT_RUNNING" });
  });
});
