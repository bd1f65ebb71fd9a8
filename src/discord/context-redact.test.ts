import { describe, expect, it } from "vitest";
import { redactTokens } from "../log/index.js";
import { CONTENT_MAX, formatMessageContext, HISTORY_LINE_MAX, type ContextUser } from "./context.js";

const human: ContextUser = { id: "111222333", tag: "username#5678", name: "username", isBot: false };
const TOKEN = `${Buffer.from("123456789012345678").toString("base64url")}.GZxYzA.${"k".repeat(38)}`;
const HEAD = TOKEN.slice(0, 24);

/** A prompt as the conversation builds it: formatted, then redacted as a whole. */
function prompt(history: string, message = "hi"): string {
  return redactTokens(
    formatMessageContext({
      self: { id: "555", name: "Chef Bot", tag: "chefbot#1234" },
      channel: { id: "1", isDm: false },
      message: { id: "9", content: message, author: human },
      history: [{ id: "2", author: human, content: history, at: 0 }],
      now: 0,
    }),
  );
}

describe("a token cut by a length limit", () => {
  it("does not survive in part when it straddles the history line cut", () => {
    for (const at of [HISTORY_LINE_MAX - 30, HISTORY_LINE_MAX - 10, HISTORY_LINE_MAX - 1]) {
      const text = prompt(`${"x".repeat(at)}${TOKEN} tail`);
      expect(text).not.toContain(HEAD.slice(0, 12));
    }
  });

  it("does not survive in part when it straddles the message cut", () => {
    const text = prompt("earlier", `${"y".repeat(CONTENT_MAX - 20)}${TOKEN}`);
    expect(text).not.toContain(HEAD.slice(0, 12));
  });
});
