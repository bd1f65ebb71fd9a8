import { describe, expect, it } from "vitest";
import { ChannelGovernor } from "../../src/discord/governor.js";
import { GOVERNOR_NOTICE } from "../../src/rooms/a2a-executor.js";

// The A2A side recognises the governor's pause by its notice in the channel (src/rooms imports nothing of
// src/discord): every notice the governor can post must match, or a refused question would wait for nothing.
describe("the governor's notices as the A2A side reads them", () => {
  const notices = (options: ConstructorParameters<typeof ChannelGovernor>[0]) => {
    let t = 1_000_000;
    const gov = new ChannelGovernor({ ...options, now: () => t });
    const seen: string[] = [];
    gov.observe({ channelId: "100", authorId: "1", isBot: true, mentionedBotIds: ["2"] });
    let [from, to] = ["1", "2"];
    for (let i = 0; i < 100 && seen.length === 0; i++) {
      const verdict = gov.allowBotTurn({ channelId: "100", fromBotId: from, toBotId: to });
      if (!verdict.allowed) {
        if (verdict.notice !== undefined) seen.push(verdict.notice);
        break;
      }
      t += 5_000;
      gov.observe({ channelId: "100", authorId: to, isBot: true, mentionedBotIds: [from] });
      [from, to] = [to, from];
    }
    return seen;
  };

  it.each([
    ["the bot-turn cap", { botTurnCap: 4, pairBudget: 100, globalPairBudget: 1000 }],
    ["the pair budget", { botTurnCap: 100, pairBudget: 4, globalPairBudget: 1000 }],
    ["the global pair budget", { botTurnCap: 100, pairBudget: 100, globalPairBudget: 4 }],
  ])("%s", (_name, options) => {
    const seen = notices(options);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatch(GOVERNOR_NOTICE);
  });
});
