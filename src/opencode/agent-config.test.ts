import { describe, expect, it } from "vitest";
import { agentConfig, BOBB_TOOLS, CHILD_TOOLS } from "./agent-config.js";
import { unexpectedTools } from "./tool-check.js";

const model = { kind: "demo", baseUrl: "http://127.0.0.1:1/v1" } as const;

describe("deny by default", () => {
  it("every agent's permissions start from '*': 'deny' and allow only its own tools, by name", () => {
    for (const [role, tools] of [
      ["child", CHILD_TOOLS],
      ["bobb", BOBB_TOOLS],
    ] as const) {
      const permission = agentConfig("x", model, role).permission as Record<string, string>;
      // OpenCode applies the last matching rule: "*" must come first so every later rule refines it.
      expect(Object.entries(permission)[0]).toEqual(["*", "deny"]);
      const allowed = Object.entries(permission)
        .filter(([, action]) => action !== "deny")
        .map(([name]) => name);
      expect(allowed.sort()).toEqual([...tools, "invalid"].sort());
      expect(Object.values(permission).every((a) => a === "deny" || a === "allow")).toBe(true);
    }
  });

  it("a child may not be offered BoBB's tools", () => {
    const permission = agentConfig("x", model, "child").permission as Record<string, string>;
    expect(permission.create_agent).toBeUndefined();
  });
});

describe("unexpectedTools", () => {
  it("names what a server offers besides our tools and the built-ins we know and deny", () => {
    expect(unexpectedTools(["invalid", "bash", "read", ...CHILD_TOOLS], "child")).toEqual([]);
    expect(unexpectedTools(["bash", ...CHILD_TOOLS, "shell", "create_agent"], "child")).toEqual(["shell", "create_agent"]);
    expect(unexpectedTools([...BOBB_TOOLS, "brand_new_builtin"], "bobb")).toEqual(["brand_new_builtin"]);
  });
});
