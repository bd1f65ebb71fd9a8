import { describe, expect, it } from "vitest";
import type { Agent, Registry } from "../../registry/index.js";
import { botsOf, findBot } from "./people.js";
import { errorAnswer, CommandError } from "./reply.js";
import { ApiError } from "../../api/index.js";

const agent = (id: string, name: string, created_by: string): Agent => ({
  id,
  name,
  persona: "p",
  port: 1,
  status: "pending_token",
  created_at: "2026-01-01T00:00:00.000Z",
  created_by,
});
const registry: Registry = {
  next_port: 2,
  agents: { chef: agent("chef", "Chef Bot", "1"), pirate: agent("pirate", "Pirate Bot", "1"), jazz: agent("jazz", "Jazz Bot", "2") },
};

describe("findBot", () => {
  it("finds a bot by name in any case or by id", () => {
    expect(findBot(registry, "chef bot", "9").id).toBe("chef");
    expect(findBot(registry, " PIRATE ", "9").id).toBe("pirate");
    expect(findBot(registry, "Jazz Bot", "1").id).toBe("jazz");
  });

  it("an unknown name lists the caller's own bots, or says they have none", () => {
    expect(() => findBot(registry, "Nobody", "1")).toThrow(
      'There is no bot called "Nobody". Give its name or id. Your bots: **Chef Bot** (`chef`), **Pirate Bot** (`pirate`).',
    );
    expect(() => findBot(registry, "Nobody", "3")).toThrow(/You have no bots yet; create one with `\/bobb create`/);
  });

  it("botsOf lists only what the person created, by name", () => {
    expect(botsOf(registry, "1").map((a) => a.id)).toEqual(["chef", "pirate"]);
  });
});

describe("errorAnswer", () => {
  it("shows a coded error's message as a sentence, the API's field wording as the command's option", () => {
    expect(errorAnswer(new ApiError("VALIDATION_ERROR", 'body field "name": a name of 1 to 64 characters')).content).toBe(
      'Option "name": a name of 1 to 64 characters.',
    );
    expect(errorAnswer(new CommandError("Give a new `name`.")).content).toBe("Give a new `name`.");
  });

  it("hides anything else behind a plain sentence", () => {
    expect(errorAnswer(new Error("ECONNRESET at 127.0.0.1")).content).not.toContain("ECONNRESET");
  });
});
