import { describe, expect, it } from "vitest";
import { RoomBuffer } from "./buffer.js";
import type { RoomMessage } from "./types.js";

const msg = (id: string, timestamp: string, extra: Partial<RoomMessage> = {}): RoomMessage => ({
  type: "message",
  id,
  room_id: "r",
  from: "u",
  from_name: "U",
  kind: "human",
  content: id,
  mentions: [],
  timestamp,
  ...extra,
});

describe("RoomBuffer", () => {
  it("keeps timestamp order, drops duplicates, stays bounded and never cuts a page inside one timestamp", () => {
    const b = new RoomBuffer(4);
    b.append(msg("b", "2026-01-01T00:00:02.000Z"));
    b.append(msg("a", "2026-01-01T00:00:01.000Z"));
    expect(b.append(msg("a", "2026-01-01T00:00:01.000Z"))).toBe(false);
    b.append(msg("c", "2026-01-01T00:00:02.000Z"));
    b.append(msg("d", "2026-01-01T00:00:03.000Z"));
    b.append(msg("e", "2026-01-01T00:00:04.000Z"));
    const all = b.read("r", "x", undefined, 10);
    expect(all.messages.map((m) => m.id)).toEqual(["b", "c", "d", "e"]);
    const page = b.read("r", "x", undefined, 1);
    expect(page.messages.map((m) => m.id)).toEqual(["b", "c"]);
    expect(page).toMatchObject({ has_more: true, next_since: "2026-01-01T00:00:02.000Z" });
    expect(b.read("r", "x", page.next_since, 10).messages.map((m) => m.id)).toEqual(["d", "e"]);
  });

  it("shows an entry addressed to one member to that member only", () => {
    const b = new RoomBuffer(10);
    b.append(msg("s", "2026-01-01T00:00:01.000Z", { to: "m1" }));
    expect(b.read("r", "m1", undefined, 10).messages).toHaveLength(1);
    expect(b.read("r", "m2", undefined, 10)).toEqual({ messages: [], has_more: false, next_since: new Date(0).toISOString() });
  });
});
