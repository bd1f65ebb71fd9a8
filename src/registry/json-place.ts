// Where JSON text first goes wrong, found without quoting any of it: registry.json holds bot
// tokens, and V8's own messages can carry a snippet of the input ('Unexpected token …, "…" is
// not valid JSON') with no position at all.

class Stop {
  constructor(readonly at: number) {}
}

const WHITESPACE = new Set([" ", "\t", "\n", "\r"]);
const ESCAPES = new Set(['"', "\\", "/", "b", "f", "n", "r", "t"]);
const HEX = /^[0-9a-fA-F]$/;
const LITERALS: Record<string, string> = { t: "true", f: "false", n: "null" };

const isDigit = (ch: string | undefined) => ch !== undefined && ch >= "0" && ch <= "9";

/** The offset of the first character a strict JSON parser rejects (the text's length when it ends too early or is valid). */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const fail = (at = i): never => {
    throw new Stop(Math.min(at, text.length));
  };
  const skipSpace = () => {
    while (i < text.length && WHITESPACE.has(text[i]!)) i++;
  };
  const string = () => {
    i++; // opening quote
    for (;;) {
      if (i >= text.length) fail();
      const ch = text[i]!;
      if (ch === '"') {
        i++;
        return;
      }
      if (ch.charCodeAt(0) < 0x20) fail();
      if (ch !== "\\") {
        i++;
        continue;
      }
      const next = text[i + 1] ?? "";
      if (ESCAPES.has(next)) i += 2;
      else if (next === "u") {
        for (let k = 2; k < 6; k++) if (!HEX.test(text[i + k] ?? "")) fail(i + k);
        i += 6;
      } else fail(i + 1);
    }
  };
  const sequence = (close: string, item: () => void) => {
    i++; // opening bracket
    skipSpace();
    if (text[i] === close) {
      i++;
      return;
    }
    for (;;) {
      item();
      skipSpace();
      if (text[i] === ",") i++;
      else if (text[i] === close) {
        i++;
        return;
      } else fail();
    }
  };
  const member = () => {
    skipSpace();
    if (text[i] !== '"') fail();
    string();
    skipSpace();
    if (text[i] !== ":") fail();
    i++;
    value();
  };
  const value = (): void => {
    skipSpace();
    const ch = text[i] ?? "";
    if (ch === "{") return sequence("}", member);
    if (ch === "[") return sequence("]", value);
    if (ch === '"') return string();
    const word = LITERALS[ch];
    if (word) {
      for (let k = 0; k < word.length; k++) if (text[i + k] !== word[k]) fail(i + k);
      i += word.length;
      return;
    }
    number();
  };
  const digits = () => {
    if (!isDigit(text[i])) fail();
    while (isDigit(text[i])) i++;
  };
  const number = () => {
    if (text[i] === "-") i++;
    if (text[i] === "0") i++;
    else digits();
    if (text[i] === ".") {
      i++;
      digits();
    }
    if (text[i] === "e" || text[i] === "E") {
      i++;
      if (text[i] === "+" || text[i] === "-") i++;
      digits();
    }
  };
  try {
    value();
    skipSpace();
    if (i < text.length) fail();
    return text.length;
  } catch (err) {
    if (err instanceof Stop) return err.at;
    return text.length; // nesting too deep for the stack: name the end rather than guess
  }
}

/** "line L, column C" (1-based) of an offset in the text. */
export function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split("\n");
  return `line ${before.length}, column ${before.at(-1)!.length + 1}`;
}
