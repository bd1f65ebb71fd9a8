import { describe, expect, it } from "vitest";
import { TurnTracker } from "./turns.js";
import { neutralizeMentions } from "./post.js";

describe("TurnTracker", () => {
  it("aborts every live turn of a channel on stop, and only that channel", () => {
    let now = 1000;
    const turns = new TurnTracker(() => now);
    const a = turns.begin("a", "c1");
    const b = turns.begin("b", "c1");
    const other = turns.begin("a", "c2");
    expect(turns.stopChannel("c1").sort()).toEqual(["a", "b"]);
    expect(a.controller.signal.aborted).toBe(true);
    expect(b.controller.signal.aborted).toBe(true);
    expect(other.controller.signal.aborted).toBe(false);
    expect(turns.stopChannel("c1")).toEqual([]);
    now += 1;
  });

  it("silences sends of turns that began before a stop, not of later ones", () => {
    let now = 1000;
    const turns = new TurnTracker(() => now, 5000);
    turns.begin("a", "c1");
    now = 1100;
    turns.stopChannel("c1");
    expect(turns.isSilenced("a", "c1")).toBe(true);
    expect(turns.isSilenced("a", "c2")).toBe(false);
    now = 1200;
    const fresh = turns.begin("a", "c1");
    expect(turns.isSilenced("a", "c1")).toBe(false);
    turns.end(fresh);
    now = 1100 + 5001;
    expect(turns.isSilenced("a", "c1")).toBe(false);
  });

  it("marks a turn as having posted through send_message in its channel only", () => {
    const turns = new TurnTracker();
    const t1 = turns.begin("a", "c1");
    const t2 = turns.begin("a", "c2");
    turns.markSent("a", "c1");
    expect(t1.sentViaTool).toBe(true);
    expect(t2.sentViaTool).toBe(false);
  });
});

describe("neutralizeMentions", () => {
  it("turns raw user mentions into names unless they are meant", () => {
    const names: Record<string, string> = { "1": "Chef Bot", "2": "Pirate" };
    const nameOf = (id: string) => names[id];
    expect(neutralizeMentions("hi <@1> and <@!2> and <@3>", nameOf)).toBe("hi @Chef Bot and @Pirate and @user");
    expect(neutralizeMentions("hi <@1> and <@2>", nameOf, new Set(["2"]))).toBe("hi @Chef Bot and <@2>");
    expect(neutralizeMentions("role <@&5> stays", nameOf)).toBe("role <@&5> stays");
  });
});
