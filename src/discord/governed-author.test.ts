import { describe, expect, it } from "vitest";
import { ChannelGovernor } from "./governor.js";
import { governedAuthor } from "./message-reader.js";

describe("governedAuthor", () => {
  const chef = "500";
  const viaWebhook = (name: string) => ({ webhookId: "900", author: { id: "900", username: name } });

  it("a person or bot is its user id; each outside agent posting through one webhook is its own bot", () => {
    expect(governedAuthor({ webhookId: null, author: { id: "42", username: "chris" } })).toBe("42");
    expect(governedAuthor(viaWebhook("Claude Agent"))).toBe("webhook:900:Claude Agent");
    expect(governedAuthor(viaWebhook("GPT Agent"))).not.toBe(governedAuthor(viaWebhook("Claude Agent")));
  });

  it("so two agents of one room have a pair budget each with a bot", () => {
    const governor = new ChannelGovernor({ pairBudget: 2, botTurnCap: 100 });
    const turn = (name: string) => governor.allowBotTurn({ channelId: "c", fromBotId: governedAuthor(viaWebhook(name)), toBotId: chef }).allowed;
    expect([turn("Claude Agent"), turn("Claude Agent"), turn("Claude Agent")]).toEqual([true, true, false]);
    // The channel tripped on Claude's pair: nothing more until a person speaks, as for any pair of bots.
    expect(turn("GPT Agent")).toBe(false);
    const fresh = new ChannelGovernor({ pairBudget: 2, botTurnCap: 100 });
    const other = (name: string) => fresh.allowBotTurn({ channelId: "c", fromBotId: governedAuthor(viaWebhook(name)), toBotId: chef }).allowed;
    expect([other("Claude Agent"), other("GPT Agent"), other("Claude Agent"), other("GPT Agent")]).toEqual([true, true, true, true]);
  });
});
