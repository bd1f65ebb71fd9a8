import { describe, expect, it } from "vitest";
import { BotDirectory } from "./directory.js";
import type { KnownBot } from "./ports.js";

describe("BotDirectory", () => {
  it("with a version, reads the source once per version and finds bots by user id and name", () => {
    let list: KnownBot[] = [
      { agentId: "bobb", name: "BoBB", userId: "1" },
      { agentId: "chef", name: "Chef", userId: "2" },
      { agentId: "new", name: "New", userId: undefined },
    ];
    let version = {};
    let reads = 0;
    const directory = new BotDirectory(
      () => (reads++, list),
      () => [version],
    );
    expect(directory.byUserId("2")?.agentId).toBe("chef");
    expect(directory.byUserId("3")).toBeUndefined();
    expect(directory.byName("@chef")?.userId).toBe("2");
    expect(directory.all().map((b) => b.agentId)).toEqual(["bobb", "chef"]);
    expect(reads).toBe(1);
    // A new version (the registry changed): the next lookup sees the new list.
    list = [...list.filter((b) => b.agentId !== "chef"), { agentId: "chef2", name: "Chef Two", userId: "2" }];
    version = {};
    expect(directory.byUserId("2")?.agentId).toBe("chef2");
    expect(reads).toBe(2);
  });

  it("without a version, reads the source on every lookup", () => {
    let reads = 0;
    const directory = new BotDirectory(() => (reads++, [{ agentId: "a", name: "A", userId: "9" }]));
    directory.byUserId("9");
    directory.byUserId("9");
    expect(reads).toBe(2);
  });
});
