import { describe, expect, it } from "vitest";
import { createLogger, containsToken, redactTokens } from "./index.js";

const TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789";

function capture() {
  const lines: string[] = [];
  const root = createLogger({ level: "debug", pretty: false, destination: { write: (l: string) => lines.push(l) } });
  return { ...root, lines };
}

describe("token shape", () => {
  it("finds Discord-token-shaped strings and nothing ordinary", () => {
    expect(containsToken(`here: ${TOKEN} ok`)).toBe(true);
    expect(containsToken("see https://example.com/a.b.c and v1.2.3")).toBe(false);
    expect(redactTokens(`x ${TOKEN} y`)).toBe("x [redacted token] y");
  });
});

describe("logger redaction", () => {
  it("censors secret keys at any usual depth", () => {
    const { logger, lines } = capture();
    logger.info({ token: "t0", agent: { token: "t1", apiKey: "k1" }, headers: { authorization: "Bearer abc" }, password: "p" }, "x");
    const entry = JSON.parse(lines[0]!);
    expect(entry.token).toBe("[redacted]");
    expect(entry.agent.token).toBe("[redacted]");
    expect(entry.agent.apiKey).toBe("[redacted]");
    expect(entry.headers.authorization).toBe("[redacted]");
    expect(entry.password).toBe("[redacted]");
  });

  it("scrubs token-shaped values from messages, fields and error stacks", () => {
    const { logger, lines } = capture();
    logger.info(`user pasted ${TOKEN}`);
    logger.warn({ content: `hi ${TOKEN}` }, "message");
    logger.error({ err: new Error(`bad ${TOKEN}`) }, "failed");
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      expect(line).not.toContain(TOKEN);
      expect(line).toContain("[redacted token]");
    }
  });

  it("scrubs registered secrets and child loggers inherit it", () => {
    const { logger, lines, secrets } = capture();
    secrets.add("super-secret-password-123");
    logger.child({ component: "opencode", agent: "chef" }).info("password is super-secret-password-123");
    expect(lines[0]).not.toContain("super-secret-password-123");
    expect(JSON.parse(lines[0]!)).toMatchObject({ component: "opencode", agent: "chef" });
  });
});

describe("logger sinks", () => {
  it("writes every line to a full sink and only warnings and worse to a minLevel 40 sink, both scrubbed", () => {
    const all: string[] = [];
    const loud: string[] = [];
    const { logger } = createLogger({
      level: "debug",
      sinks: [{ stream: { write: (l: string) => all.push(l) } }, { stream: { write: (l: string) => loud.push(l) }, minLevel: 40 }],
    });
    logger.debug("quiet");
    logger.info(`token ${TOKEN}`);
    logger.warn("careful");
    logger.error("broken");
    expect(all.map((l) => JSON.parse(l).msg)).toEqual(["quiet", "token [redacted token]", "careful", "broken"]);
    expect(loud.map((l) => JSON.parse(l).msg)).toEqual(["careful", "broken"]);
  });
});
