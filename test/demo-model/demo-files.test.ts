import { describe, expect, it } from "vitest";
import { demoRules, messageContent, RuleBook } from "../../src/demo-model/index.js";
import { chatRequestSchema, viewOf } from "../../src/demo-model/protocol.js";

const context = [
  "[Discord Channel 42]",
  "You are: Chef Bot (@chef)",
  "From: ann (User ID: 7)",
  "Channel ID: 42",
  "Message ID: 9 (use this as reply_to)",
  "Is From Bot: false",
  "",
  "look at these",
  "",
  "--- Attachments ---",
  "- cat.png (image/png, 2.0 KB) — sent as an image",
  "- notes.txt (text/plain, 40 bytes) — sent as text",
  "- song.mp3 (audio/mpeg, 3.00 MB) — not sent: unsupported type",
  "--- End Attachments ---",
].join("\n");

/** A request as OpenCode sends it for a prompt with an image part and an inlined text file. */
const request = chatRequestSchema.parse({
  model: "demo",
  tools: [{ type: "function", function: { name: "send_message" } }],
  messages: [
    { role: "system", content: "# Chef Bot\n\nYou are **Chef Bot**, a Discord bot.\n\n## Who you are\n\nA chef." },
    {
      role: "user",
      content: [
        { type: "text", text: context },
        { type: "text", text: 'Called the Read tool with the following input: {"filePath":"notes.txt"}' },
        { type: "text", text: "one two three four five six seven eight nine ten" },
        { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } },
      ],
    },
  ],
});

describe("demo model: files", () => {
  it("tells the message's own text from the files it carries", () => {
    const view = viewOf(request, "chef");
    expect(view.lastUser).toBe(context);
    expect(view.received).toEqual({ images: 1, texts: [{ name: "notes.txt", text: "one two three four five six seven eight nine ten" }] });
    expect(messageContent(view.lastUser)).toBe("look at these");
  });

  it("says what it received, by name, and what did not reach it", () => {
    const decision = new RuleBook(demoRules()).pick(viewOf(request, "chef"));
    expect(decision).toMatchObject({ kind: "answer", rule: "demo: files" });
    expect(decision?.kind === "answer" && decision.answer.text).toBe(
      'Hey ann! Chef Bot here (demo model). I got your image cat.png. I read notes.txt: "one two three four five six seven eight…". song.mp3 did not reach me (unsupported type).',
    );
  });
});
