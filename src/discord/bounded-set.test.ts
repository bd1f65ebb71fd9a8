import { describe, expect, it } from "vitest";
import { BoundedSet } from "./bounded-set.js";

describe("BoundedSet", () => {
  it("keeps the most recently added or checked ids, at most max", () => {
    const set = new BoundedSet(3);
    for (const id of ["a", "b", "c"]) set.add(id);
    expect(set.has("a")).toBe(true); // a is now the most recently used
    set.add("d");
    expect([set.has("a"), set.has("b"), set.has("c"), set.has("d")]).toEqual([true, false, true, true]);
    for (let i = 0; i < 10_000; i++) set.add(`x${i}`);
    expect(set.size).toBe(3);
  });
});
