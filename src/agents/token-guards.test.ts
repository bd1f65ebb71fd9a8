import { describe, expect, it } from "vitest";
import { AttemptLimiter, looksLikeBotToken, SeenOnce } from "./token-guards.js";

describe("looksLikeBotToken", () => {
  it("accepts a first part that is a base64 snowflake, refuses others", () => {
    const id = Buffer.from("123456789012345678").toString("base64url");
    expect(looksLikeBotToken(`${id}.GZxYzA.${"q".repeat(38)}`)).toBe(true);
    expect(looksLikeBotToken(`${"A".repeat(26)}.BBBBBB.${"c".repeat(30)}`)).toBe(false);
    expect(looksLikeBotToken(`${Buffer.from("12345").toString("base64url")}.x.y`)).toBe(false);
    expect(looksLikeBotToken(`${Buffer.from("abcdefghijklmnopqr").toString("base64url")}.x.y`)).toBe(false);
  });
});

describe("AttemptLimiter", () => {
  it("allows limit attempts per window per key, then again once the window has passed", () => {
    let t = 0;
    const limiter = new AttemptLimiter(5, 60_000, () => t);
    expect(Array.from({ length: 6 }, () => limiter.take("a"))).toEqual([true, true, true, true, true, false]);
    expect(limiter.take("b")).toBe(true);
    t += 59_999;
    expect(limiter.take("a")).toBe(false);
    t += 1;
    expect(limiter.take("a")).toBe(true);
  });

  it("remembers a bounded number of keys", () => {
    const limiter = new AttemptLimiter(1, 60_000, () => 0, 100);
    for (let i = 0; i < 1000; i++) limiter.take(`k${i}`);
    expect(limiter.take("k999")).toBe(false);
    expect(limiter.take("k0")).toBe(true); // forgotten
  });
});

describe("SeenOnce", () => {
  it("claims an id once, within a bounded memory", () => {
    const seen = new SeenOnce(2);
    expect([seen.claim("1"), seen.claim("1"), seen.claim("2"), seen.claim("3"), seen.claim("1")]).toEqual([true, false, true, true, true]);
  });
});
