import { describe, expect, it } from "vitest";
import { NoteBoard } from "./notes.js";

describe("NoteBoard", () => {
  it("keeps notes for at most 10,000 conversations, forgetting the oldest first", () => {
    const board = new NoteBoard();
    for (let i = 0; i < 10_001; i++) board.add("bobb", `dm-${i}`, `note ${i}`);
    expect(board.take("bobb", "dm-0")).toEqual([]);
    expect(board.take("bobb", "dm-10000")).toEqual(["note 10000"]);
    expect(board.size).toBe(9_999);
  });
});
