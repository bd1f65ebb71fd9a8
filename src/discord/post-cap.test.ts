import { describe, expect, it } from "vitest";
import { capParts, CUT_MARK } from "./post-cap.js";

describe("capParts", () => {
  it("keeps parts that fit, cuts the rest and marks the cut", () => {
    expect(capParts(["a", "b"], 3)).toEqual(["a", "b"]);
    expect(capParts(["a", "b", "c", "d"], 3)).toEqual(["a", "b", `c ${CUT_MARK}`]);
    expect(capParts(["a", "b"], 0)).toEqual([]);
    const full = "x".repeat(2000);
    const [cut] = capParts([full, full], 1);
    expect(cut!.length).toBeLessThanOrEqual(2000);
    expect(cut!.endsWith(CUT_MARK)).toBe(true);
  });
});
