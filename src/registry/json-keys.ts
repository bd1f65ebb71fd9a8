/** Where a JSON text repeats a key inside one object. */
export interface DuplicateKey {
  key: string;
  /** Dotted path of the object holding the key ("agents.chef"); empty at the top level. */
  path: string;
  line: number;
  column: number;
}

interface Frame {
  /** Keys seen so far (objects), or null for an array. */
  keys: Set<string> | null;
  expectKey: boolean;
  /** The current member: last key of an object, index in an array. */
  at: string;
}

/**
 * Finds the first duplicate key in a text that JSON.parse accepted (JSON.parse keeps the
 * last and silently drops the others). A single pass over the tokens, no reviver, no values built.
 */
export function findDuplicateKey(text: string): DuplicateKey | undefined {
  const stack: Frame[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      const top = stack.at(-1);
      if (top?.keys && top.expectKey) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (top.keys.has(key)) return { key, path: pathOf(stack), ...lineColumn(text, i) };
        top.keys.add(key);
        top.at = key;
        top.expectKey = false;
      }
      i = j;
    } else if (c === "{" || c === "[") {
      stack.push({ keys: c === "{" ? new Set() : null, expectKey: c === "{", at: c === "{" ? "" : "0" });
    } else if (c === "}" || c === "]") {
      stack.pop();
    } else if (c === ",") {
      const top = stack.at(-1);
      if (top?.keys) top.expectKey = true;
      else if (top) top.at = String(Number(top.at) + 1);
    }
  }
  return undefined;
}

function pathOf(stack: Frame[]): string {
  return stack
    .slice(0, -1)
    .map((f) => f.at)
    .join(".");
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split("\n");
  return { line: before.length, column: before.at(-1)!.length + 1 };
}
