import { describe, expect, it } from "vitest";
import { TOKEN_PATTERN } from "../log/redact.js";
import { selectHistory } from "./history.js";
import type { MessageRecord } from "./model.js";
import { SnowflakeGenerator, snowflakeTime } from "./snowflake.js";
import { bareToken, makeBotToken, mintBotToken, tokenUserId } from "./token.js";

describe("snowflakes", () => {
  it("are numeric, time-ordered and carry their creation time", () => {
    let now = 1_700_000_000_000;
    const ids = new SnowflakeGenerator(() => now);
    const a = ids.next();
    const b = ids.next();
    now -= 5_000; // a clock stepping back must not reorder ids
    const c = ids.next();
    expect(a).toMatch(/^\d{17,20}$/);
    expect(BigInt(a) < BigInt(b) && BigInt(b) < BigInt(c)).toBe(true);
    expect(snowflakeTime(a)).toBe(1_700_000_000_000);
  });
  it("sort after observed ids", () => {
    const ids = new SnowflakeGenerator(() => 1_600_000_000_000);
    const later = new SnowflakeGenerator(() => 1_700_000_000_000).next();
    ids.observe(later);
    expect(BigInt(ids.next()) > BigInt(later)).toBe(true);
  });
});

describe("bot tokens", () => {
  it("look like Discord's and decode to the bot's id", () => {
    const token = makeBotToken("1234567890123456789", "secret");
    expect(token).toMatch(new RegExp(`^${TOKEN_PATTERN.source}$`));
    expect(tokenUserId(token)).toBe("1234567890123456789");
    expect(makeBotToken("1234567890123456789", "secret")).not.toBe(token);
    expect(bareToken(`Bot ${token}`)).toBe(token);
  });

  it("can be minted as JWTs, as some Discord-compatible servers issue them", () => {
    const token = mintBotToken("jwt", "1234567890123456789", "secret");
    const [header, payload] = token
      .split(".")
      .slice(0, 2)
      .map((p) => JSON.parse(Buffer.from(p, "base64url").toString("utf8")) as Record<string, unknown>);
    expect(header).toEqual({ alg: "HS256", typ: "JWT" });
    expect(payload).toMatchObject({ sub: "1234567890123456789" });
    expect(token).not.toMatch(new RegExp(`^${TOKEN_PATTERN.source}$`));
  });
});

describe("selectHistory", () => {
  const messages = Array.from({ length: 5 }, (_, i) => ({ id: String(100000000000000000n + BigInt(i)) }) as MessageRecord);
  const ids = (list: MessageRecord[]) => list.map((m) => Number(BigInt(m.id) - 100000000000000000n));
  it("returns pages newest first", () => {
    expect(ids(selectHistory(messages, { limit: 2 }))).toEqual([4, 3]);
    expect(ids(selectHistory(messages, { before: "100000000000000003", limit: 10 }))).toEqual([2, 1, 0]);
    expect(ids(selectHistory(messages, { after: "100000000000000001", limit: 2 }))).toEqual([3, 2]);
    expect(ids(selectHistory(messages, { around: "100000000000000002", limit: 3 }))).toEqual([3, 2, 1]);
  });
});
