import { PNG } from "pngjs";
import { GLYPH_HEIGHT, GLYPH_WIDTH, GLYPHS } from "./avatar-font.js";

const SIZE = 128;

/** "CI" for "Chef Italiano Bot", "P" for "Pirate Bot": first letters of up to two words, "Bot" left out when others remain. */
export function initialsOf(name: string): string {
  const words = name
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  const meaningful = words.filter((w) => !/^(bot|robot)$/i.test(w));
  const picked = (meaningful.length > 0 ? meaningful : words).slice(0, 2);
  const letters = picked.map((w) => w.charAt(0).toUpperCase()).map((c) => (GLYPHS[c] ? c : "?"));
  return letters.join("") || "?";
}

/** A stable, readable background colour for a name (hue from a hash; white text stays legible on it). */
export function colourOf(name: string): [number, number, number] {
  let hash = 2166136261;
  for (const ch of name.toLowerCase()) hash = Math.imul(hash ^ ch.codePointAt(0)!, 16777619) >>> 0;
  return hslToRgb(hash % 360, 0.55, 0.42);
}

function hslToRgb(h: number, s: number, l: number): [number, number, number] {
  const c = (1 - Math.abs(2 * l - 1)) * s;
  const x = c * (1 - Math.abs(((h / 60) % 2) - 1));
  const m = l - c / 2;
  const [r, g, b] = h < 60 ? [c, x, 0] : h < 120 ? [x, c, 0] : h < 180 ? [0, c, x] : h < 240 ? [0, x, c] : h < 300 ? [x, 0, c] : [c, 0, x];
  return [r, g, b].map((v) => Math.round((v + m) * 255)) as [number, number, number];
}

/** The bot's avatar, made locally: its initials in white on a colour of its name, as a 128×128 PNG. */
export function avatarPng(name: string): Buffer {
  const png = new PNG({ width: SIZE, height: SIZE, colorType: 2 });
  const [r, g, b] = colourOf(name);
  for (let i = 0; i < SIZE * SIZE; i++) png.data.set([r, g, b, 255], i * 4);
  const text = initialsOf(name);
  const scale = text.length === 1 ? 10 : 8;
  const gap = scale;
  const width = text.length * GLYPH_WIDTH * scale + (text.length - 1) * gap;
  const left = Math.floor((SIZE - width) / 2);
  const top = Math.floor((SIZE - GLYPH_HEIGHT * scale) / 2);
  [...text].forEach((ch, n) => {
    const rows = GLYPHS[ch] ?? GLYPHS["?"]!;
    const x0 = left + n * (GLYPH_WIDTH * scale + gap);
    rows.forEach((bits, row) => {
      for (let col = 0; col < GLYPH_WIDTH; col++) {
        if (!(bits & (1 << (GLYPH_WIDTH - 1 - col)))) continue;
        for (let dy = 0; dy < scale; dy++)
          for (let dx = 0; dx < scale; dx++) png.data.set([255, 255, 255, 255], ((top + row * scale + dy) * SIZE + x0 + col * scale + dx) * 4);
      }
    });
  });
  return PNG.sync.write(png, { colorType: 2 });
}

/** The avatar as Discord's `PATCH /users/@me` takes it: a PNG data URI. */
export function avatarDataUri(name: string): string {
  return `data:image/png;base64,${avatarPng(name).toString("base64")}`;
}
