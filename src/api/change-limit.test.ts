import { describe, expect, it } from "vitest";
import { ChangeLimiter } from "./change-limit.js";

describe("ChangeLimiter", () => {
  it("allows `limit` changes per window and per bot, then says how long to wait", () => {
    let now = 0;
    const limiter = new ChangeLimiter(2, 1000, () => now);
    limiter.record("a");
    now = 100;
    limiter.record("a");
    expect(limiter.waitFor("a")).toBe(900);
    expect(limiter.waitFor("b")).toBe(0);
    now = 1001;
    expect(limiter.waitFor("a")).toBe(0);
  });
});
