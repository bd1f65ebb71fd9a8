import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RequestView } from "../../src/demo-model/index.js";
import { startSupervisor, type Supervisor } from "../helpers/supervisor.js";
import { waitFor } from "../helpers/wait.js";
import { ask } from "./helpers.js";

// /stop on the real supervisor: the stop words' path as a command, for every bot in the channel, acknowledged
// with one short line everyone sees.

let s: Supervisor;
let chef: { id: string; userId: string };
let pirate: { id: string; userId: string };
beforeAll(async () => {
  s = await startSupervisor({ mode: "shared" });
  chef = await s.addChild("Chef Bot", "A chef.");
  pirate = await s.addChild("Pirate Bot", "A pirate.");
}, 120_000);
afterAll(() => s?.close());

const channelOf = (v: RequestView) => /Channel ID: (\d+)/.exec(v.lastUser)?.[1] ?? "";

describe("/stop", () => {
  it("ends a running bot-to-bot exchange at once, says so in one line, and a mention works again afterwards", async () => {
    const other = (agent: string | undefined) => (agent === chef.id ? "Pirate Bot" : "Chef Bot");
    s.model.setRules([
      { agent: chef.id, user: /are you back\?$/, reply: "Back in the kitchen." },
      { agent: chef.id, after: "tool", reply: "" },
      { agent: pirate.id, after: "tool", reply: "" },
      ...[chef.id, pirate.id].map((agent) => ({
        agent,
        // Slow enough that a turn is always running when /stop comes.
        delayMs: 1_500,
        reply: (v: RequestView) => ({
          toolCalls: [{ name: "send_message", args: { channel_id: channelOf(v), content: "You are wrong!", mention_bots: [other(v.agent)] } }],
        }),
      })),
    ]);
    const channel = s.sandbox.control.channelId("debate");
    const arguing = () => s.messages(channel).filter((m) => m.content.includes("You are wrong!")).length;
    s.sandbox.control.postMessage(channel, s.humanId, `<@${chef.userId}> argue with the pirate`);
    await waitFor(() => arguing() >= 2, 30_000, "the exchange to be under way");
    const { view, answer } = await ask(s, s.humanId, "stop", {}, channel);
    expect(view.acknowledged).toBe(4);
    expect(answer.ephemeral).toBe(false);
    expect(answer.content).toMatch(/^Stopped: (Chef Bot|Pirate Bot)/);
    expect(answer.content.split("\n")).toHaveLength(1);
    const countAtStop = arguing();

    s.sandbox.control.postMessage(channel, s.humanId, `<@${chef.userId}> are you back?`);
    const back = await waitFor(() => s.messages(channel).find((m) => m.content === "Back in the kitchen."), 30_000, "an answer after /stop");
    const all = s.messages(channel);
    const stopAt = all.findIndex((m) => m.id === answer.id);
    const between = all.slice(
      stopAt + 1,
      all.findIndex((m) => m.id === back.id),
    );
    expect(between.filter((m) => m.author.bot)).toEqual([]);
    expect(arguing()).toBe(countAtStop);
    s.model.setRules([]);
  }, 60_000);

  it("in a quiet channel it says nothing was running", async () => {
    const { answer } = await ask(s, s.humanId, "stop");
    expect(answer.ephemeral).toBe(false);
    expect(answer.content).toMatch(/^Stopped: nothing was running here/);
  });
});
