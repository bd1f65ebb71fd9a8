import { describe, expect, it } from "vitest";
import { loadConfig, ConfigError } from "./index.js";

describe("loadConfig", () => {
  it("runs with nothing set: sandbox Discord, demo model, spec defaults", () => {
    const config = loadConfig({}, "/srv/bobb");
    expect(config.discordMode).toBe("sandbox");
    expect(config.modelSource).toBe("demo");
    expect(config.env).toMatchObject({
      BOBB_OPENCODE_PORT: 4096,
      BOBB_CHILD_PORT_START: 4097,
      OPENCODE_HEALTH_TIMEOUT: 30000,
      BOBB_API_HOST: "127.0.0.1",
      BOBB_API_PORT: 3456,
      BOBB_OPENCODE_MODE: "project",
      SANDBOX_PORT: 3457,
      DISCORD_API_VERSION: 10,
      BOBB_ROOMS_HOST: "127.0.0.1",
      BOBB_ROOMS_PORT: 3458,
      BOBB_ROOM_INVITE_TTL: 72 * 3_600_000,
      BOBB_ROOM_CODE_TTL: 30 * 60_000,
      BOBB_ROOM_MESSAGES_PER_MINUTE: 30,
      BOBB_ROOM_MESSAGE_BYTES: 4096,
      BOBB_ROOM_AGENTS: 10,
      BOBB_ROOM_INVITES: 25,
      BOBB_ROOM_POLL_INTERVAL: 1000,
      BOBB_ROOM_PING_INTERVAL: 30_000,
    });
    expect(config.env.BOBB_PUBLIC_URL).toBeUndefined();
    expect(loadConfig({ DISCORD_API_VERSION: "9" }).env.DISCORD_API_VERSION).toBe(9);
    expect(loadConfig({ DISCORD_API_VERSION: "" }).env.DISCORD_API_VERSION).toBe(10);
    expect(config.registryPath).toBe("/srv/bobb/registry.json");
    expect(config.dataDir).toBe("/srv/bobb/data");
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.env)).toBe(true);
  });

  it("picks the model source and Discord mode from what is configured", () => {
    expect(loadConfig({ ANTHROPIC_API_KEY: "sk-ant-x" }).modelSource).toBe("anthropic");
    expect(loadConfig({ BOBB_MODEL_BASE_URL: "http://127.0.0.1:11434/v1" }).modelSource).toBe("openai-compatible");
    expect(loadConfig({ BOBB_DISCORD_TOKEN: "abc" }).discordMode).toBe("discord");
  });

  const invalid: Array<[string, string, RegExp]> = [
    ["BOBB_API_PORT", "abc", /port/],
    ["BOBB_API_PORT", "70000", /port/],
    ["BOBB_OPENCODE_PORT", "-1", /port/],
    ["BOBB_CHILD_PORT_START", "1.5", /port/],
    ["OPENCODE_HEALTH_TIMEOUT", "soon", /milliseconds/],
    ["OPENCODE_HEALTH_TIMEOUT", "10", /at least 1000/],
    ["BOBB_OPENCODE_MODE", "cluster", /project, isolated or shared/],
    ["LOG_LEVEL", "loud", /one of trace/],
    ["BOBB_API_ALLOW_REMOTE", "maybe", /true or false/],
    ["BOBB_MODEL_BASE_URL", "localhost:11434", /URL/],
    ["BOBB_MODEL", "claude", /provider\/model/],
    ["DISCORD_API_URL", "nope", /URL/],
    ["DISCORD_API_VERSION", "v10", /whole number such as 10/],
    ["DISCORD_API_VERSION", "9.5", /whole number such as 10/],
    ["DISCORD_WEB_URL", "discord.example", /URL/],
    ["SANDBOX_PORT", "x", /port/],
    ["BOBB_BOT_TURN_CAP", "0", /at least 1/],
    ["BOBB_PAIR_WINDOW", "x", /milliseconds/],
    ["BOBB_QUEUE_LIMIT", "many", /whole number/],
    ["BOBB_PUBLIC_URL", "bobb.example.org", /https:\/\/bobb.example.org/],
    ["BOBB_ROOMS_PORT", "0", /port/],
    ["BOBB_ROOM_MESSAGE_BYTES", "10", /at least 64/],
    ["BOBB_NODE_ID", "host a", /letters, digits/],
    ["BOBB_LEASE_TTL", "500", /at least 1500 ms/],
  ];
  for (const [name, value, expected] of invalid) {
    it(`names ${name}="${value}" and what is expected`, () => {
      expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
      try {
        loadConfig({ [name]: value });
      } catch (err) {
        const message = (err as Error).message;
        expect(message).toContain(name);
        expect(message).toContain(`"${value}"`);
        expect(message).toMatch(expected);
        expect(message.split("\n")).toHaveLength(1);
      }
    });
  }

  it("never echoes a secret value", () => {
    try {
      loadConfig({ BOBB_API_KEY: "tooshort" });
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).toContain("BOBB_API_KEY");
      expect((err as Error).message).not.toContain("tooshort");
    }
  });

  it("refuses a non-loopback API host unless opted in", () => {
    expect(() => loadConfig({ BOBB_API_HOST: "0.0.0.0" })).toThrow(/BOBB_API_HOST.*BOBB_API_ALLOW_REMOTE/);
    expect(loadConfig({ BOBB_API_HOST: "0.0.0.0", BOBB_API_ALLOW_REMOTE: "true" }).env.BOBB_API_HOST).toBe("0.0.0.0");
  });
});
