import { describe, expect, it } from "vitest";
import { ChannelGovernor, GOVERNOR_DEFAULTS, type GovernorOptions } from "./governor.js";

const CH = "100";
const A = "1";
const B = "2";
const C = "3";
const D = "4";
const HUMAN = "9";

function setup(options: Omit<GovernorOptions, "now"> = {}) {
  let t = 1_000_000;
  const gov = new ChannelGovernor({ ...options, now: () => t });
  const clock = {
    advance: (ms: number) => (t += ms),
    get now() {
      return t;
    },
  };
  const bot = (from: string, to: string[] = [], channelId = CH) => gov.observe({ channelId, authorId: from, isBot: true, mentionedBotIds: to });
  const human = (mentions: string[] = [], channelId = CH, isStopCommand = false) =>
    gov.observe({ channelId, authorId: HUMAN, isBot: false, mentionedBotIds: mentions, ...(isStopCommand ? { isStopCommand } : {}) });
  const ask = (from: string, to: string, channelId = CH) => gov.allowBotTurn({ channelId, fromBotId: from, toBotId: to });
  return { gov, clock, bot, human, ask };
}

/** Two bots that always mention each other; returns how many bot messages got posted. */
function runaway(env: ReturnType<typeof setup>, limit = 1000): { posted: number; notices: string[] } {
  const notices: string[] = [];
  let posted = 1;
  env.bot(A, [B]); // A answered a human and mentions B
  let [from, to] = [A, B];
  for (let i = 0; i < limit; i++) {
    const verdict = env.ask(from, to);
    if (!verdict.allowed) {
      if (verdict.notice !== undefined) notices.push(verdict.notice);
      break;
    }
    env.clock.advance(5_000);
    env.bot(to, [from]);
    posted++;
    [from, to] = [to, from];
  }
  return { posted, notices };
}

describe("ChannelGovernor", () => {
  it("has the documented defaults", () => {
    const gov = new ChannelGovernor();
    expect([gov.botTurnCap, gov.pairBudget, gov.pairWindowMs, gov.cooldownMs]).toEqual([8, 12, 600_000, 60_000]);
    expect(GOVERNOR_DEFAULTS).toEqual({ botTurnCap: 8, pairBudget: 12, pairWindowMs: 600_000, cooldownMs: 60_000 });
    expect(gov.idleMs).toBe(3_600_000);
  });

  it("rejects nonsensical options", () => {
    expect(() => new ChannelGovernor({ botTurnCap: 0 })).toThrow(RangeError);
    expect(() => new ChannelGovernor({ pairBudget: 1.5 })).toThrow(/pairBudget/);
    expect(() => new ChannelGovernor({ pairWindowMs: -1 })).toThrow(RangeError);
    expect(() => new ChannelGovernor({ cooldownMs: Number.NaN })).toThrow(RangeError);
    expect(() => new ChannelGovernor({ pairWindowMs: 10_000, idleMs: 5_000 })).toThrow(/idleMs/);
    expect(new ChannelGovernor({ pairWindowMs: 7_200_000 }).idleMs).toBe(7_200_000);
    expect(new ChannelGovernor({ cooldownMs: 0 }).cooldownMs).toBe(0);
  });

  it("ends two adversarial bots after exactly botTurnCap messages, with one notice", () => {
    const env = setup();
    env.human([A, B]);
    const { posted, notices } = runaway(env);
    expect(posted).toBe(8);
    expect(notices).toEqual(["Bot-to-bot exchange paused in this channel after 8 bot messages; a human can mention a bot to continue."]);
    // Tripped: the channel keeps refusing, with no second notice.
    expect(env.ask(A, B)).toEqual({ allowed: false, reason: "bot-turn-cap" });
  });

  it("honours a configured cap", () => {
    for (const cap of [1, 2, 5, 20]) {
      const env = setup({ botTurnCap: cap, pairBudget: 100 });
      env.human([A]);
      expect(runaway(env).posted).toBe(cap);
    }
  });

  it("gives the notice at most once per trip, and refuses every bot pair in the tripped channel", () => {
    const env = setup({ botTurnCap: 2 });
    env.bot(A, [B]);
    env.bot(B, [A]);
    const first = env.ask(A, B);
    expect(first).toMatchObject({ allowed: false, reason: "bot-turn-cap" });
    expect(first.allowed === false && first.notice).toBeTruthy();
    for (const [f, t] of [
      [A, B],
      [B, A],
      [C, D],
    ] as const) {
      const v = env.ask(f, t);
      expect(v).toEqual({ allowed: false, reason: "bot-turn-cap" });
    }
  });

  it("counts bot messages per channel, not across channels", () => {
    const env = setup({ botTurnCap: 2 });
    env.bot(A, [B]);
    env.bot(B, [A]);
    expect(env.ask(A, B).allowed).toBe(false);
    expect(env.ask(A, B, "other")).toEqual({ allowed: true });
  });

  it("resets the consecutive count on any human message", () => {
    const env = setup({ botTurnCap: 3 });
    env.bot(A, [B]);
    env.bot(B, [A]);
    env.human();
    env.bot(A, [B]);
    env.bot(B, [A]);
    expect(env.ask(A, B)).toEqual({ allowed: true });
    env.bot(A, [B]);
    expect(env.ask(B, A).allowed).toBe(false);
  });

  describe("after a trip", () => {
    function tripped() {
      const env = setup({ botTurnCap: 2 });
      env.bot(A, [B]);
      env.bot(B, [A]);
      expect(env.ask(A, B).allowed).toBe(false);
      return env;
    }

    it("stays tripped without a human, however long it waits", () => {
      const env = tripped();
      env.clock.advance(30 * 60_000);
      expect(env.ask(A, B)).toEqual({ allowed: false, reason: "bot-turn-cap" });
    });

    it("ends at once when a human mentions a bot, cooldown or not", () => {
      const env = tripped();
      env.clock.advance(1_000);
      env.human([A]);
      expect(env.ask(A, B)).toEqual({ allowed: true });
      env.bot(A, [B]); // A answers the human and pulls B in
      expect(env.ask(A, B)).toEqual({ allowed: true });
    });

    it("does not end within the cooldown when humans only chat, and ends after it", () => {
      const env = tripped();
      env.clock.advance(10_000);
      env.human(); // "lol"
      expect(env.ask(A, B)).toEqual({ allowed: false, reason: "bot-turn-cap" });
      env.clock.advance(49_999);
      expect(env.ask(A, B).allowed).toBe(false);
      env.clock.advance(1);
      expect(env.ask(A, B)).toEqual({ allowed: true });
    });

    it("ends after the cooldown only once a human has spoken", () => {
      const env = tripped();
      env.clock.advance(120_000);
      expect(env.ask(A, B).allowed).toBe(false);
      env.human();
      expect(env.ask(A, B)).toEqual({ allowed: true });
    });

    it("gives a new notice on the next trip", () => {
      const env = tripped();
      env.human([A]);
      env.bot(A, [B]);
      env.bot(B, [A]);
      const v = env.ask(A, B);
      expect(v.allowed === false && v.notice).toMatch(/paused/);
    });

    it("ends at once with a zero cooldown when a human speaks", () => {
      const env = setup({ botTurnCap: 1, cooldownMs: 0 });
      env.bot(A, [B]);
      expect(env.ask(A, B).allowed).toBe(false);
      env.human();
      expect(env.ask(A, B)).toEqual({ allowed: true });
    });
  });

  describe("pair budget", () => {
    it("grants a pair at most pairBudget turns in the window, in either direction", () => {
      const env = setup({ botTurnCap: 1000, pairBudget: 3, pairWindowMs: 60_000, cooldownMs: 0 });
      expect(env.ask(A, B).allowed).toBe(true);
      expect(env.ask(B, A).allowed).toBe(true);
      expect(env.ask(A, B).allowed).toBe(true);
      const v = env.ask(B, A);
      expect(v).toMatchObject({ allowed: false, reason: "pair-budget" });
      expect(v.allowed === false && v.notice).toBe(
        "Bot-to-bot exchange paused in this channel: these two bots have had 3 turns in 1 minute. They still answer people.",
      );
    });

    it("is not reset by humans, only by time (sliding window)", () => {
      const env = setup({ botTurnCap: 1000, pairBudget: 2, pairWindowMs: 60_000, cooldownMs: 0 });
      env.ask(A, B); // t0
      env.clock.advance(30_000);
      env.ask(B, A); // t0 + 30 s
      env.human([A, B]);
      expect(env.ask(A, B)).toMatchObject({ allowed: false, reason: "pair-budget" });
      env.human([A, B]); // ends the trip, but the budget still holds
      expect(env.ask(A, B)).toMatchObject({ allowed: false, reason: "pair-budget" });
      env.human([A]);
      env.clock.advance(30_000); // t0 + 60 s: the first turn leaves the window
      expect(env.ask(A, B)).toEqual({ allowed: true });
      expect(env.ask(A, B)).toMatchObject({ allowed: false, reason: "pair-budget" });
    });

    it("keeps separate budgets for separate pairs", () => {
      const env = setup({ botTurnCap: 1000, pairBudget: 1 });
      expect(env.ask(A, B).allowed).toBe(true);
      expect(env.ask(A, C).allowed).toBe(true);
      expect(env.ask(C, B).allowed).toBe(true);
      expect(env.ask(B, A).allowed).toBe(false);
    });

    it("bounds a debate that humans keep alive by chatting", () => {
      const env = setup(); // defaults: cap 8, 12 per 10 min
      let granted = 0;
      for (let round = 0; round < 200; round++) {
        env.human([A, B]); // a human pokes them again and again
        for (let i = 0; i < 20; i++) {
          if (!env.ask(i % 2 ? B : A, i % 2 ? A : B).allowed) break;
          granted++;
          env.bot(i % 2 ? A : B, [i % 2 ? B : A]);
        }
        env.clock.advance(1_000);
      }
      // 200 s of pokes stay inside one 10-minute window: the pair gets 12 turns in all.
      expect(granted).toBe(12);
    });
  });

  describe("stop words", () => {
    it("closes the channel until a human mentions a bot", () => {
      const env = setup();
      env.bot(A, [B]);
      env.human([], CH, true); // "stop"
      expect(env.ask(A, B)).toEqual({ allowed: false, reason: "closed" });
      env.human(); // chatting does not reopen
      env.clock.advance(3_600_000 - 1);
      expect(env.ask(A, B)).toEqual({ allowed: false, reason: "closed" });
      env.bot(A, [B]); // bots mentioning bots do not reopen
      expect(env.ask(A, B)).toEqual({ allowed: false, reason: "closed" });
      env.human([B]);
      expect(env.ask(A, B)).toEqual({ allowed: true });
    });

    it("treats an observed stop command as close, even when it mentions a bot", () => {
      const env = setup();
      env.human([A], CH, true); // "<@A> stop"
      expect(env.ask(B, A)).toEqual({ allowed: false, reason: "closed" });
      env.human([A]);
      expect(env.ask(B, A)).toEqual({ allowed: true });
    });

    it("closes only the channel it is told, and replaces a trip (no notice while closed)", () => {
      const env = setup({ botTurnCap: 1 });
      env.bot(A, [B]);
      expect(env.ask(A, B).allowed).toBe(false);
      env.human([], CH, true); // "stop"
      // Closed replaces the trip: the refusal says closed and carries no notice.
      expect(env.ask(A, B)).toEqual({ allowed: false, reason: "closed" });
      expect(env.ask(A, B, "elsewhere")).toEqual({ allowed: true });
    });
  });

  it("never lets a bot take a turn with itself", () => {
    const env = setup();
    expect(env.ask(A, A)).toEqual({ allowed: false, reason: "self" });
  });

  describe("memory", () => {
    it("forgets channels idle for idleMs and keeps active ones", () => {
      const env = setup({ botTurnCap: 1, idleMs: 600_000 });
      for (let i = 0; i < 1000; i++) env.human([A], `c${i}`);
      env.bot(A, [B], "busy");
      expect(env.ask(A, B, "busy").allowed).toBe(false); // tripped
      expect(env.gov.channelCount).toBe(1001);
      env.clock.advance(300_000);
      env.bot(A, [B], "busy"); // busy keeps talking (a bot, so the trip's cooldown does not start)
      env.clock.advance(300_000);
      env.ask(C, D, "new");
      expect(env.gov.channelCount).toBe(2);
      expect(env.ask(A, B, "busy")).toEqual({ allowed: false, reason: "bot-turn-cap" }); // still tripped
    });

    it("forgets a closed channel only after idleMs of silence", () => {
      // Asking touches the channel, so "still closed" and "forgotten" are checked on two governors.
      const early = setup({ idleMs: 600_000 });
      early.human([], CH, true); // "stop"
      early.clock.advance(599_999);
      early.human([], "other");
      expect(early.ask(A, B)).toEqual({ allowed: false, reason: "closed" });
      const env = setup({ idleMs: 600_000 });
      env.human([], CH, true);
      env.clock.advance(599_999);
      env.human([], "other");
      env.clock.advance(60_001);
      env.human([], "other");
      expect(env.ask(A, B)).toEqual({ allowed: true });
    });

    it("prunes expired pair records", () => {
      const env = setup({ botTurnCap: 10_000, pairBudget: 5, pairWindowMs: 60_000, idleMs: 3_600_000 });
      // Thousands of distinct pairs in one channel, each used once.
      for (let i = 0; i < 5000; i++) env.ask(`b${i}`, `c${i}`);
      const pairs = () => (env.gov as unknown as { channels: Map<string, { pairs: Map<string, number[]> }> }).channels.get(CH)?.pairs.size;
      expect(pairs()).toBe(5000);
      env.clock.advance(120_000);
      env.ask(A, B);
      expect(pairs()).toBe(1);
    });

    it("keeps at most pairBudget records per pair", () => {
      const env = setup({ botTurnCap: 10_000, pairBudget: 4, cooldownMs: 0 });
      for (let i = 0; i < 100; i++) {
        env.ask(A, B);
        env.human([A]);
      }
      const times = (env.gov as unknown as { channels: Map<string, { pairs: Map<string, number[]> }> }).channels.get(CH)?.pairs.get("1:2");
      expect(times).toHaveLength(4);
    });
  });
});

describe("ChannelGovernor across channels", () => {
  it("bounds a pair hopping between 50 channels by the all-channel pair budget", () => {
    const env = setup({ botTurnCap: 10_000, pairBudget: 12, globalPairBudget: 24 });
    let granted = 0;
    for (let c = 0; c < 50; c++) {
      for (let i = 0; i < 12; i++) if (env.ask(A, B, `ch${c}`).allowed) granted++;
    }
    expect(granted).toBe(24);
    // Another pair is not affected, and the refusal carries a notice once per channel trip.
    expect(env.ask(C, D, "ch2")).toEqual({ allowed: false, reason: "pair-budget-global" });
    expect(env.ask(C, D, "fresh")).toEqual({ allowed: true });
  });

  it("says why in the notice, and frees the pair with time", () => {
    const env = setup({ botTurnCap: 10_000, pairBudget: 5, globalPairBudget: 6, pairWindowMs: 60_000, cooldownMs: 0 });
    for (let c = 0; c < 3; c++) for (let i = 0; i < 2; i++) expect(env.ask(A, B, `ch${c}`).allowed).toBe(true);
    const refused = env.ask(A, B, "ch9");
    expect(refused).toMatchObject({ allowed: false, reason: "pair-budget-global" });
    expect(refused.allowed === false && refused.notice).toMatch(/across all channels/);
    env.clock.advance(61_000);
    env.human([A], "ch9");
    expect(env.ask(A, B, "ch9")).toEqual({ allowed: true });
  });

  it("defaults the all-channel budget to twice the pair budget", () => {
    expect(new ChannelGovernor({ pairBudget: 7 }).globalPairBudget).toBe(14);
  });

  it("remembers at most maxChannels channels, forgetting the least recently seen", () => {
    const env = setup({ maxChannels: 100 });
    for (let c = 0; c < 1000; c++) env.human([], `ch${c}`);
    expect(env.gov.channelCount).toBe(100);
  });
});
