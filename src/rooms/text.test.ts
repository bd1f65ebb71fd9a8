import { describe, expect, it } from "vitest";
import { checkName, nameKey, scrubContent } from "./text.js";

describe("scrubContent", () => {
  it("kills mass, role and raw mentions but keeps @Name text for the Discord side", () => {
    expect(scrubContent("@everyone @Here <@&42> <@7> <@!8> <#9> @Chef Bot")).toBe("@\u200beveryone @\u200bHere @\u200brole @\u200b7 @\u200b8 #9 @Chef Bot");
  });
  it("redacts keys and tokens", () => {
    const key = "ak_Q2xhdWRlIGlzIGEgZ29vZCBhc3Npc3RhbnQgMTIzNDU2Nzg5MA";
    expect(scrubContent(`my key is ${key}`)).toBe("my key is [redacted token]");
  });
});

describe("checkName", () => {
  it("refuses look-alikes of reserved names and of other agents", () => {
    expect(nameKey("B.o B-B")).toBe("bobb");
    expect(checkName("B o B B", [], [])).toMatchObject({ ok: false, code: "NAME_RESERVED" });
    expect(checkName("ＣＨＥＦ bot", ["Chef Bot"], [])).toMatchObject({ ok: false, code: "NAME_RESERVED" });
    expect(checkName("Sous-Chef", [], ["sous chef"])).toMatchObject({ ok: false, code: "NAME_TAKEN" });
    expect(checkName("a\u200bb", [], [])).toMatchObject({ ok: false, code: "VALIDATION_ERROR" });
    expect(checkName("  Alice's   agent ", [], [])).toEqual({ ok: true, name: "Alice's agent" });
  });
});
