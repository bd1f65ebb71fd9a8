import { describe, expect, it } from "vitest";
import { LoginBackoff } from "./login-backoff.js";

describe("LoginBackoff", () => {
  it("lets two failures through, then waits longer after each further one, up to the cap", () => {
    let now = 0;
    const b = new LoginBackoff({ baseMs: 1_000, capMs: 4_000, now: () => now });
    b.failed("chef", "t1");
    b.failed("chef", "t1");
    expect(b.check("chef", "t1")).toBeUndefined();
    b.failed("chef", "t1");
    expect(b.check("chef", "t1")).toMatchObject({ waitMs: 1_000 });
    expect(b.check("chef", "t1")!.reason).toMatch(/last 3 logins failed; next try in 1 s/);
    now = 1_000;
    expect(b.check("chef", "t1")).toBeUndefined();
    b.failed("chef", "t1");
    expect(b.check("chef", "t1")!.waitMs).toBe(2_000);
    b.failed("chef", "t1");
    b.failed("chef", "t1");
    expect(b.check("chef", "t1")!.waitMs).toBe(4_000);
    // Another bot is not affected.
    expect(b.check("pirate", "t2")).toBeUndefined();
  });

  it("a new token or a success starts afresh", () => {
    const b = new LoginBackoff({ freeFailures: 0, now: () => 0 });
    b.failed("chef", "old");
    expect(b.check("chef", "old")).toBeDefined();
    expect(b.check("chef", "new")).toBeUndefined();
    b.failed("chef", "new");
    b.succeeded("chef", "new");
    expect(b.check("chef", "new")).toBeUndefined();
  });

  it("refuses beyond the daily identify budget, counted over a rolling 24 h, also across a token change", () => {
    let now = 0;
    const b = new LoginBackoff({ dailyIdentifies: 3, now: () => now });
    for (let i = 0; i < 3; i++) {
      now = i * 1_000;
      b.identified("chef", i < 2 ? "t1" : "t2");
    }
    expect(b.check("chef", "t2")!.reason).toMatch(/logged in 3 times in 24 h/);
    now = 24 * 3_600_000 + 1;
    expect(b.check("chef", "t2")).toBeUndefined();
  });
});
