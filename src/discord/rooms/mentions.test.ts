import { describe, expect, it } from "vitest";
import { agentsNamed, readableText, resolveAgentText } from "./mentions.js";

const bots = [
  { id: "11", name: "Chef Bot" },
  { id: "12", name: "Chef Bot 2" },
  { id: "13", name: "BoBB" },
];

describe("resolveAgentText", () => {
  it("turns @Name of a bot into a real mention, longest name first, case-insensitive, and lists whom it pings", () => {
    expect(resolveAgentText("@chef bot and @Chef Bot 2, what do you think?", bots)).toEqual({
      content: "<@11> and <@12>, what do you think?",
      userIds: ["11", "12"],
    });
  });

  it("leaves a longer word alone and never lets raw mentions, roles, @everyone or @here through", () => {
    const out = resolveAgentText("@Chef Botany <@99> <@&5> @everyone @here", bots);
    expect(out.userIds).toEqual([]);
    expect(out.content).not.toMatch(/<@!?\d+>|<@&\d+>|@everyone|@here/);
    expect(out.content).toContain("@Chef Botany");
  });
});

describe("agentsNamed", () => {
  it("finds the room agents a text names", () => {
    const agents = [
      { id: "m1", name: "Claude Agent" },
      { id: "m2", name: "Script" },
    ];
    expect(agentsNamed("Thanks @claude agent! @Scripted is not @Script.", agents)).toEqual(["m1", "m2"]);
    expect(agentsNamed("nobody", [])).toEqual([]);
  });
});

describe("readableText", () => {
  it("shows mentions as names", () => {
    const names = { user: (id: string) => (id === "11" ? "Chef Bot" : undefined), role: () => "mods", channel: () => "general" };
    expect(readableText("<@11> <@!7> <@&3> <#4> <:wave:123>", names)).toBe("@Chef Bot @unknown-user @mods #general :wave:");
  });
});
