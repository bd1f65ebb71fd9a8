import { describe, expect, it } from "vitest";
import { blockMessages } from "./room-text.js";

describe("blockMessages", () => {
  it("a short block without fences is one code block under the intro", () => {
    expect(blockMessages("Room: general\nYour key: ak_x", "Invite **a**")).toEqual(["Invite **a**\n```\nRoom: general\nYour key: ak_x\n```"]);
  });

  it("a long Markdown block is cut at headings outside code blocks: the parts joined are the block as written", () => {
    const section = (n: number) => `## Part ${n}\n\n\`\`\`\n# not a heading ${n}\n${"x".repeat(300)}\n\`\`\`\ntext ${n}`;
    const block = ["# Title", "", "Intro line", ...Array.from({ length: 12 }, (_, n) => section(n))].join("\n");
    const parts = blockMessages(block, "Invite **b**", 1000);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.every((p) => p.length <= 1000)).toBe(true);
    expect(parts.join("\n")).toBe(`Invite **b**\n${block}`);
    // Every part has balanced fences, and starts at a heading (after the first).
    for (const p of parts) expect((p.match(/```/g) ?? []).length % 2).toBe(0);
    for (const p of parts.slice(1)) expect(p).toMatch(/^## Part/);
  });

  it("a section longer than a message is cut inside, fences kept balanced", () => {
    const block = `# Title\n\n\`\`\`\n${Array.from({ length: 100 }, (_, n) => `line ${n} ${"y".repeat(40)}`).join("\n")}\n\`\`\``;
    const parts = blockMessages(block, undefined, 1000);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.every((p) => p.length <= 1000 && (p.match(/```/g) ?? []).length % 2 === 0)).toBe(true);
    for (let n = 0; n < 100; n++) expect(parts.join("\n")).toContain(`line ${n} `);
  });
});
