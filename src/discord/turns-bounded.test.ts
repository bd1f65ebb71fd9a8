import { describe, expect, it } from "vitest";
import { TurnTracker } from "./turns.js";

describe("TurnTracker memory", () => {
  it("forgets stops older than the grace period (fake clock)", () => {
    let t = 0;
    const turns = new TurnTracker(() => t, 1000);
    for (let i = 0; i < 500; i++) turns.stopChannel(`ch${i}`);
    expect(turns.stoppedChannels).toBe(500);
    t += 1001;
    turns.stopChannel("later");
    expect(turns.stoppedChannels).toBe(1);
    expect(turns.isSilenced("a", "ch1")).toBe(false);
    expect(turns.isSilenced("a", "later")).toBe(true);
  });

  it("remembers at most 10,000 stops even within the grace period", () => {
    const turns = new TurnTracker(() => 0, 60_000);
    for (let i = 0; i < 12_000; i++) turns.stopChannel(`ch${i}`);
    expect(turns.stoppedChannels).toBe(10_000);
    expect(turns.isSilenced("a", "ch11999")).toBe(true);
  });
});
