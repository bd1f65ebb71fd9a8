import { describe, expect, it, vi } from "vitest";
import { ClientRestarts } from "./client-guard.js";

describe("ClientRestarts", () => {
  it("backs off exponentially up to the cap, then gives up past the limit within the window", () => {
    vi.useFakeTimers();
    try {
      let now = 0;
      const restarts = new ClientRestarts({ baseMs: 1000, maxMs: 5000, limit: 4, windowMs: 60_000 }, () => now);
      const runs: number[] = [];
      const delays = [1, 2, 3, 4, 5].map((n) => restarts.schedule("chef", () => runs.push(n)));
      expect(delays).toEqual([1000, 2000, 4000, 5000, null]);
      vi.advanceTimersByTime(10_000);
      // Each crash replaces the pending restart; the fifth scheduled none.
      expect(runs).toEqual([]);
      now = 120_000;
      expect(restarts.schedule("chef", () => runs.push(6))).toBe(1000);
      vi.advanceTimersByTime(1000);
      expect(runs).toEqual([6]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("forgets a bot stopped on purpose", () => {
    const restarts = new ClientRestarts({ baseMs: 1000, limit: 2 });
    restarts.schedule("chef", () => undefined);
    restarts.schedule("chef", () => undefined);
    restarts.forget("chef");
    expect(restarts.count("chef")).toBe(0);
    expect(restarts.schedule("chef", () => undefined)).toBe(1000);
    restarts.close();
  });
});
