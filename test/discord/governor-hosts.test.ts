// Two hosts, each running one bot of a pair, each with its own governor fed the same messages (every
// host sees the channel): the pair's budget holds for the channel as a whole, not once per host.
import { describe, expect, it } from "vitest";
import { ChannelGovernor, type GovernorOptions } from "../../src/discord/governor.js";

const CH = "100";
const X = "1";
const Y = "2";
const HUMAN = "9";

function twoHosts(options: Omit<GovernorOptions, "now">) {
  let t = 1_000_000;
  const a = new ChannelGovernor({ ...options, now: () => t });
  const b = new ChannelGovernor({ ...options, now: () => t });
  const hostOf: Record<string, ChannelGovernor> = { [X]: a, [Y]: b };
  let next = 0;
  /** A message in the channel, seen by both hosts. */
  const post = (authorId: string, mentionedBotIds: string[], replyToId?: string) => {
    const messageId = String(++next);
    for (const g of [a, b]) g.observe({ channelId: CH, authorId, isBot: authorId !== HUMAN, mentionedBotIds, messageId, ...(replyToId ? { replyToId } : {}) });
    t += 2_000;
    return messageId;
  };
  /** A debate between X and Y, each turn granted by the answering bot's host; returns the turns granted. */
  const debate = (limit = 100, replies = true): { granted: number; reasons: string[] } => {
    post(HUMAN, [X, Y]);
    let last = post(X, [Y]);
    let [from, to] = [X, Y];
    let granted = 0;
    const reasons: string[] = [];
    for (let i = 0; i < limit; i++) {
      const verdict = hostOf[to]!.allowBotTurn({ channelId: CH, fromBotId: from, toBotId: to });
      if (!verdict.allowed) {
        reasons.push(verdict.reason);
        break;
      }
      granted++;
      last = post(to, [from], replies ? last : undefined);
      [from, to] = [to, from];
    }
    return { granted, reasons };
  };
  return { a, b, post, debate, advance: (ms: number) => (t += ms) };
}

describe("the pair budget across hosts", () => {
  it("stops a pair split over two hosts at one budget for the channel", () => {
    const env = twoHosts({ botTurnCap: 1000, pairBudget: 6, pairWindowMs: 600_000, cooldownMs: 0 });
    expect(env.debate()).toEqual({ granted: 6, reasons: ["pair-budget"] });
    // A human restarting the debate does not give the pair another budget on either host.
    expect(env.debate()).toEqual({ granted: 0, reasons: ["pair-budget"] });
    // The window passes: a new budget, again one for both hosts.
    env.advance(600_000);
    expect(env.debate()).toEqual({ granted: 6, reasons: ["pair-budget"] });
  });

  it("counts a tag of the bot that last tagged it as an answer too (debates by send_message, no reply quote)", () => {
    const env = twoHosts({ botTurnCap: 1000, pairBudget: 6, pairWindowMs: 600_000, cooldownMs: 0 });
    expect(env.debate(100, false)).toEqual({ granted: 6, reasons: ["pair-budget"] });
  });

  it("holds the all-channel budget across hosts too", () => {
    const env = twoHosts({ botTurnCap: 1000, pairBudget: 100, globalPairBudget: 5, pairWindowMs: 600_000, cooldownMs: 0 });
    expect(env.debate()).toEqual({ granted: 5, reasons: ["pair-budget-global"] });
  });

  it("still agrees on the cap, which counts every bot message seen", () => {
    const env = twoHosts({ botTurnCap: 4, pairBudget: 100, cooldownMs: 0 });
    // X's opening message and the answers: the fourth bot message trips the cap.
    expect(env.debate()).toEqual({ granted: 3, reasons: ["bot-turn-cap"] });
  });
});
