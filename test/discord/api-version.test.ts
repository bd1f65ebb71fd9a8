// DISCORD_API_VERSION reaches every place that talks to the server: discord.js's REST and gateway
// (the bot manager's clients) and the token check. The sandbox serves v10 and v9 (as Discord does)
// and nothing older, so v8 is visibly refused and v9 works.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateToken } from "../../src/agents/index.js";
import { BotManager } from "../../src/discord/index.js";
import { createSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { captureLogs } from "../helpers/logs.js";

let sandbox: Sandbox;
let token = "";
beforeAll(async () => {
  sandbox = await createSandbox();
  const app = sandbox.control.createApplication("Chef Bot", { message_content_intent: true });
  sandbox.control.addBotToGuild(sandbox.control.guildId(), app.application_id);
  token = app.token;
});
afterAll(async () => {
  await sandbox?.close();
});

describe("the configured API version", () => {
  it("is the one the token check asks", async () => {
    expect(await validateToken(`${sandbox.url}/api`, token, { version: 10 })).toMatchObject({ ok: true });
    expect(await validateToken(`${sandbox.url}/api`, token, { version: 9 })).toMatchObject({ ok: true });
    expect(await validateToken(`${sandbox.url}/api`, token, { version: 8 })).toEqual({ ok: false, reason: "unreachable", detail: "HTTP 404" });
  });

  it("is the one every bot client uses", async () => {
    const manager = (version: number) =>
      new BotManager({ logger: captureLogs().logger, apiUrl: `${sandbox.url}/api`, apiVersion: version, loginSpacingMs: 0, onMessage: async () => undefined });
    const v10 = manager(10);
    const bot = await v10.start({ agentId: "chef", name: "Chef Bot", token });
    expect(bot.client.options.rest?.version).toBe("10");
    expect(bot.client.options.ws?.version).toBe(10);
    await v10.close();
    const v9 = manager(9);
    expect((await v9.start({ agentId: "chef", name: "Chef Bot", token })).client.options.rest?.version).toBe("9");
    await v9.close();
    const v8 = manager(8);
    await expect(v8.start({ agentId: "chef", name: "Chef Bot", token })).rejects.toThrow(/could not log in/);
    await v8.close();
  });
});
