import { describe, expect, it } from "vitest";
import { MIN_SPLIT_LIMIT, planSplit, splitForDiscord, type SplitPart } from "./split.js";
import { prng as rng } from "../../test/helpers/prng.js";

const WORDS = ["the", "pasta", "garlic", "tomato", "😀", "naïve", "`inline`", "x", "supercalifragilistic", "**bold**", "a.b", "<@123>"];

function randomText(seed: number): string {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)] as T;
  const words = (n: number) => Array.from({ length: n }, () => pick(WORDS)).join(pick([" ", " ", " ", "  ", "\t"]));
  const blocks: string[] = [];
  const count = 1 + Math.floor(r() * 12);
  for (let b = 0; b < count; b++) {
    const kind = r();
    if (kind < 0.4) {
      blocks.push(Array.from({ length: 1 + Math.floor(r() * 6) }, () => words(1 + Math.floor(r() * 60))).join("\n"));
    } else if (kind < 0.75) {
      const lang = pick(["", "ts", "python", "c++", "sh"]);
      const lines = Array.from({ length: 1 + Math.floor(r() * 80) }, () =>
        r() < 0.1 ? "" : r() < 0.05 ? "y".repeat(Math.floor(r() * 3000)) : "  ".repeat(Math.floor(r() * 4)) + words(1 + Math.floor(r() * 12)),
      );
      blocks.push(`\`\`\`${lang}\n${lines.join("\n")}\n\`\`\``);
    } else if (kind < 0.85) {
      blocks.push("z".repeat(Math.floor(r() * 5000))); // one over-long word
    } else if (kind < 0.95) {
      blocks.push(words(1 + Math.floor(r() * 900))); // one over-long line with spaces
    } else {
      blocks.push("😀".repeat(Math.floor(r() * 2500)));
    }
  }
  return blocks.join(pick(["\n\n", "\n", "\n\n\n", "\r\n\r\n", " "]));
}

const fenceCount = (s: string) => s.match(/```/g)?.length ?? 0;

/** The split's guarantees; returns the broken ones (plain checks: thousands of parts per text). */
function violations(text: string, limit: number, parts: SplitPart[]): string[] {
  const bad: string[] = [];
  const rendered = parts.map((p) => p.reopen + p.body + p.close);
  if (splitForDiscord(text, limit).join("\u0000") !== rendered.join("\u0000")) bad.push("splitForDiscord differs from its plan");
  let cursor = 0;
  parts.forEach((p, i) => {
    const out = rendered[i] as string;
    if (out.length > limit) bad.push(`part ${i}: ${out.length} > ${limit}`);
    if (fenceCount(out) % 2 !== 0) bad.push(`part ${i}: unbalanced fences`);
    if (out.trim() === "") bad.push(`part ${i}: blank`);
    if (!/^(```[a-z0-9_+\-.#]*\n)?$/i.test(p.reopen)) bad.push(`part ${i}: reopen ${JSON.stringify(p.reopen)}`);
    if (p.close !== "" && p.close !== "\n```") bad.push(`part ${i}: close ${JSON.stringify(p.close)}`);
    const last = p.body.charCodeAt(p.body.length - 1);
    if (last >= 0xd800 && last <= 0xdbff) bad.push(`part ${i}: ends inside a surrogate pair`);
    // Bodies are verbatim slices, in order; only white space lies between them.
    const at = text.indexOf(p.body, cursor);
    if (at < 0) bad.push(`part ${i}: body is not a slice of the original`);
    else if (text.slice(cursor, at).trim() !== "") bad.push(`part ${i}: dropped non-blank text before it`);
    cursor = Math.max(cursor, at + p.body.length);
    const next = parts[i + 1];
    if (next !== undefined && (p.close !== "") !== (next.reopen !== "")) bad.push(`part ${i}: fence not carried over`);
  });
  if (text.slice(cursor).trim() !== "") bad.push("text lost at the end");
  if ((parts.at(-1)?.close ?? "") !== "") bad.push("last part closes a fence of its own");
  return bad;
}

function checkParts(text: string, limit: number, parts: SplitPart[]): void {
  expect(violations(text, limit, parts)).toEqual([]);
}

describe("splitForDiscord", () => {
  it("returns nothing for empty or blank text", () => {
    expect(splitForDiscord("")).toEqual([]);
    expect(splitForDiscord(" \n\n\t ")).toEqual([]);
  });

  it("returns short text unchanged, up to exactly the limit", () => {
    expect(splitForDiscord("hello\n\nworld")).toEqual(["hello\n\nworld"]);
    const exact = "a".repeat(2000);
    expect(splitForDiscord(exact)).toEqual([exact]);
    expect(splitForDiscord("```ts\nconst x = 1;\n```")).toEqual(["```ts\nconst x = 1;\n```"]);
  });

  it("rejects a limit too small to hold reopened fences", () => {
    expect(() => splitForDiscord("x", MIN_SPLIT_LIMIT - 1)).toThrow(RangeError);
    expect(() => splitForDiscord("x", 100.5)).toThrow(RangeError);
    expect(splitForDiscord("x", MIN_SPLIT_LIMIT)).toEqual(["x"]);
  });

  it("splits at paragraph breaks first", () => {
    const a = "a".repeat(1200);
    const b = `${"b".repeat(500)}\n${"b".repeat(500)}`;
    const c = "c".repeat(1500);
    expect(splitForDiscord(`${a}\n\n${b}\n\n\n${c}`)).toEqual([a, b, c]);
  });

  it("prefers a line break over a paragraph break that would leave a part less than half full", () => {
    const head = `${"a".repeat(100)}\n\n${"b".repeat(1500)}`;
    expect(splitForDiscord(`${head}\n${"c".repeat(1500)}`)).toEqual([head, "c".repeat(1500)]);
  });

  it("takes an early break rather than cutting a word", () => {
    expect(splitForDiscord(`${"a".repeat(100)}\n\n${"b".repeat(2500)}`)).toEqual(["a".repeat(100), "b".repeat(2000), "b".repeat(500)]);
  });

  it("splits at line breaks, then at spaces", () => {
    const lines = Array.from({ length: 100 }, (_, i) => `line ${String(i).padStart(3, "0")} ${"x".repeat(30)}`);
    const parts = splitForDiscord(lines.join("\n"), 500);
    expect(parts.join("\n")).toBe(lines.join("\n"));
    for (const p of parts) expect(p.startsWith("line ")).toBe(true);
    const words = Array.from({ length: 1000 }, (_, i) => `w${i}`).join(" ");
    const wordParts = splitForDiscord(words, 300);
    expect(wordParts.join(" ")).toBe(words);
    for (const p of wordParts) expect(p).toMatch(/^w\d+( w\d+)*$/);
  });

  it("hard-splits a single over-long word", () => {
    expect(splitForDiscord("a".repeat(5000))).toEqual(["a".repeat(2000), "a".repeat(2000), "a".repeat(1000)]);
  });

  it("never splits a surrogate pair", () => {
    // The odd "x" puts the 2,000th unit in the middle of an emoji.
    const text = `x${"😀".repeat(1500)}`;
    const parts = splitForDiscord(text);
    expect(parts.join("")).toBe(text);
    expect(parts[0]).toBe(`x${"😀".repeat(999)}`);
  });

  it("closes a code block at a split and reopens it with the same language", () => {
    const code = Array.from({ length: 200 }, (_, i) => `console.log(${i}); // step ${i}`).join("\n");
    const parts = splitForDiscord(`Here you go:\n\n\`\`\`ts\n${code}\n\`\`\`\n\nDone.`);
    expect(parts.length).toBeGreaterThan(2);
    expect(parts[0]?.startsWith("Here you go:\n\n```ts\nconsole.log(0);")).toBe(true);
    expect(parts[0]?.endsWith("\n```")).toBe(true);
    expect(parts[1]?.startsWith("```ts\nconsole.log(")).toBe(true);
    expect(parts.at(-1)?.endsWith("\n```\n\nDone.")).toBe(true);
    for (const p of parts) expect(fenceCount(p) % 2).toBe(0);
  });

  it("does not repeat a very long language tag", () => {
    const lang = "l".repeat(40);
    const parts = splitForDiscord(`\`\`\`${lang}\n${"x\n".repeat(1500)}\`\`\``);
    expect(parts[1]?.startsWith("```\nx")).toBe(true);
  });

  it("never leaves an empty code block at either side of a split", () => {
    for (let pad = 1900; pad < 2010; pad++) {
      const text = `${"p".repeat(pad)}\n\`\`\`py\n${"code line\n".repeat(50)}\`\`\`\nafter`;
      for (const part of splitForDiscord(text)) {
        expect(part).not.toMatch(/```[a-z]*\n?```/);
        expect(part.length).toBeLessThanOrEqual(2000);
      }
    }
    // The closing fence just past the split: the next part must not be a reopened, empty block.
    for (let pad = 1950; pad < 2010; pad++) {
      const text = `\`\`\`py\n${"c".repeat(pad)}\n\`\`\` and ${"after ".repeat(20)}`;
      for (const part of splitForDiscord(text)) {
        expect(part).not.toMatch(/```[a-z]*\n?```/);
        expect(part.length).toBeLessThanOrEqual(2000);
      }
    }
  });

  it("handles the issue's case: a 5,000-character reply with a code block", () => {
    const prose = "The sauce needs time. ".repeat(60);
    const code = Array.from({ length: 90 }, (_, i) => `    simmer(pot, minutes=${i})  # keep stirring`).join("\n");
    const text = `${prose}\n\n\`\`\`python\n${code}\n\`\`\`\n\n${prose}`;
    expect(text.length).toBeGreaterThan(5000);
    const parts = planSplit(text);
    expect(parts.length).toBeGreaterThanOrEqual(3);
    checkParts(text, 2000, parts);
  });

  it("keeps its guarantees on random texts with code blocks (property)", () => {
    for (let seed = 1; seed <= 300; seed++) {
      const text = randomText(seed);
      for (const limit of [2000, 500, MIN_SPLIT_LIMIT + Math.floor(rng(seed)() * 100)]) {
        expect(violations(text, limit, planSplit(text, limit)), `seed ${seed}, limit ${limit}`).toEqual([]);
      }
    }
  });

  it("carries an unbalanced fence of the original through to the end", () => {
    const text = `\`\`\`js\n${"let a = 1;\n".repeat(400)}`;
    const parts = splitForDiscord(text);
    expect(parts.slice(0, -1).every((p) => p.endsWith("\n```"))).toBe(true);
    expect(parts.slice(1).every((p) => p.startsWith("```js\n"))).toBe(true);
  });
});
