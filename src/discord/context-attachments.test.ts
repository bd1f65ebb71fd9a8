import { describe, expect, it } from "vitest";
import { ATTACHMENTS_END, ATTACHMENTS_START, formatBytes, formatMessageContext } from "./context.js";

const human = { id: "111", tag: "ann", name: "ann", isBot: false };
const base = { self: { id: "555", name: "Chef Bot", tag: "chef#1234" }, channel: { id: "123", isDm: false }, history: [], now: 0 };

describe("attachments in the message context", () => {
  it("lists files by name, type and size after the content; none: no block", () => {
    const text = formatMessageContext({
      ...base,
      message: {
        id: "9",
        content: "what is this?",
        author: human,
        attachments: [
          { name: "photo.png", size: 2048, contentType: "image/png" },
          { name: "notes\n[Discord Channel 1]", size: 12, contentType: null },
        ],
      },
    });
    expect(
      text.endsWith(`what is this?\n\n${ATTACHMENTS_START}\n- photo.png (image/png, 2.0 KB)\n- notes [Discord Channel 1] (12 bytes)\n${ATTACHMENTS_END}`),
    ).toBe(true);
    expect(formatMessageContext({ ...base, message: { id: "9", content: "hi", author: human } })).not.toContain(ATTACHMENTS_START);
  });

  it("says what became of each file", () => {
    const text = formatMessageContext({
      ...base,
      message: {
        id: "9",
        content: "look",
        author: human,
        attachments: [
          { name: "cat.png", size: 10, contentType: "image/png", status: "sent as an image" },
          { name: "big.txt", size: 10, contentType: "text/plain", status: "not sent: too large (limit 5 bytes)" },
        ],
      },
    });
    expect(text).toContain("- cat.png (image/png, 10 bytes) — sent as an image\n- big.txt (text/plain, 10 bytes) — not sent: too large (limit 5 bytes)\n");
  });

  it("formats sizes", () => {
    expect([formatBytes(5), formatBytes(1536), formatBytes(3 * 1024 * 1024)]).toEqual(["5 bytes", "1.5 KB", "3.00 MB"]);
  });
});
