import { describe, expect, it } from "vitest";
import { nameProblem } from "./text-rules.js";

describe("nameProblem", () => {
  it("refuses BoBB's name however it is cased, spaced, punctuated or composed", () => {
    for (const name of ["BoBB", "bobb", "B o B B", "B.o.B.B!", "ＢｏＢＢ", " bobb "]) expect(nameProblem(name), name).toContain("BoBB");
    for (const name of ["Bobby", "BoBB Bot", "Chef Bot"]) expect(nameProblem(name), name).toBeUndefined();
  });
});
