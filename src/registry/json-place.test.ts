import { describe, expect, it } from "vitest";
import { jsonErrorOffset, lineAndColumn } from "./json-place.js";

describe("jsonErrorOffset", () => {
  it("finds the same place V8 names, where V8 names one", () => {
    const broken = [
      '{"a": 1.}',
      '{"a": 1e}',
      '{"a": 1,}',
      '{"a" 1}',
      '{"a": "x\ny"}',
      '{"a":1} x',
      '{"a": "\\q"}',
      "[1, 2",
      '{"a": -}',
      '{"a": 01}',
      '{"a": "\\u12x4"}',
      "",
    ];
    for (const text of broken) {
      let message = "";
      try {
        JSON.parse(text);
      } catch (err) {
        message = (err as Error).message;
      }
      const v8 = /position (\d+)/.exec(message);
      expect(jsonErrorOffset(text), `${JSON.stringify(text)}: ${message}`).toBe(v8 ? Number(v8[1]) : text.length);
    }
  });

  it("points at the first unexpected character where V8 quotes the text instead", () => {
    expect(jsonErrorOffset('{"token": abc.def}')).toBe(10);
    expect(jsonErrorOffset('{"a": tru}')).toBe(9);
    expect(jsonErrorOffset('{"a": [1, }')).toBe(10);
  });

  it("accepts valid JSON (offset = length)", () => {
    const text = '{"a": [1, -2.5e3, true, false, null, "x\\u00e9\\n"], "b": {}}';
    expect(jsonErrorOffset(text)).toBe(text.length);
  });

  it("says line and column, 1-based", () => {
    expect(lineAndColumn("ab\ncd", 4)).toBe("line 2, column 2");
  });
});
