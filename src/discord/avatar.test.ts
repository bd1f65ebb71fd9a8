import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { descriptionOf, DESCRIPTION_MAX } from "./app-setup.js";
import { avatarDataUri, avatarPng, colourOf, initialsOf } from "./avatar.js";

describe("generated avatars", () => {
  it("takes the initials of up to two words, leaving out 'Bot' when other words remain", () => {
    expect(initialsOf("Chef Bot")).toBe("C");
    expect(initialsOf("Chef Italiano Bot")).toBe("CI");
    expect(initialsOf("Bot")).toBe("B");
    expect(initialsOf("élan-vital 9")).toBe("EV");
    expect(initialsOf("日本 Bot")).toBe("?");
  });

  it("draws white initials on a colour stable per name, as a 128×128 PNG data URI", () => {
    const png = PNG.sync.read(avatarPng("Pirate Bot"));
    expect([png.width, png.height]).toEqual([128, 128]);
    const at = (x: number, y: number) => [...png.data.subarray((y * 128 + x) * 4, (y * 128 + x) * 4 + 3)];
    expect(at(0, 0)).toEqual(colourOf("Pirate Bot"));
    const white = Array.from({ length: 128 * 128 }, (_v, i) => png.data[i * 4] === 255 && png.data[i * 4 + 1] === 255 && png.data[i * 4 + 2] === 255).filter(
      Boolean,
    );
    expect(white.length).toBeGreaterThan(500);
    expect(colourOf("Pirate Bot")).toEqual(colourOf("pirate bot"));
    expect(colourOf("Pirate Bot")).not.toEqual(colourOf("Chef Bot"));
    expect(avatarDataUri("Pirate Bot")).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
  });
});

describe("descriptions from personas", () => {
  it("collapses whitespace and keeps a short persona as it is", () => {
    expect(descriptionOf("  A pirate.\n\nSays arr.  ")).toBe("A pirate. Says arr.");
  });

  it("cuts a long persona at a word within Discord's 400 characters", () => {
    const long = "arr ".repeat(300);
    const cut = descriptionOf(long);
    expect(cut.length).toBeLessThanOrEqual(DESCRIPTION_MAX);
    expect(cut.endsWith("arr…")).toBe(true);
    expect(descriptionOf("😀".repeat(300)).length).toBeLessThanOrEqual(DESCRIPTION_MAX);
    expect(descriptionOf("😀".repeat(300))).not.toMatch(/[\uD800-\uDBFF]…$/);
  });
});
