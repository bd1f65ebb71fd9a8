import { ChannelType, type TextChannel } from "discord.js";
import { afterEach, describe, expect, it } from "vitest";
import type { AgentBrain } from "../../src/discord/index.js";
import { MESSAGES_PER_CHANNEL } from "../../src/discord/client-cache.js";
import { LoginBackoff } from "../../src/discord/login-backoff.js";
import { BotManager } from "../../src/discord/index.js";
import { startBotsHarness, type BotsHarness } from "../helpers/bots.js";
import { captureLogs } from "../helpers/logs.js";
import { waitFor } from "../helpers/wait.js";

/** What a thousand bots in one process need from each client: bounded caches, no login loops. */
let h: BotsHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const silent: AgentBrain = { prompt: async () => ({ text: "", usedTools: [], sessionId: "s", durationMs: 0 }), abort: async () => undefined };

describe("client caches", () => {
  it("keep only the last messages per channel and no presences, however much traffic a bot sees", async () => {
    h = await startBotsHarness(silent);
    const chef = await h.addBot("chef", "Chef");
    const client = h.bots.get("chef")!.client;
    const last = (() => {
      let id = "";
      for (let i = 0; i < 60; i++) id = String(h.sandbox.control.postMessage(h.general, h.humanId, `chatter ${i}`).id);
      return id;
    })();
    const channel = client.channels.cache.get(h.general) as TextChannel;
    expect(channel.type).toBe(ChannelType.GuildText);
    await waitFor(() => channel.messages.cache.has(last), 10_000, "last message seen");
    expect(channel.messages.cache.size).toBeLessThanOrEqual(MESSAGES_PER_CHANNEL);
    // The window the prompt's history reads is still there.
    expect(channel.messages.cache.size).toBeGreaterThanOrEqual(11);
    const guild = client.guilds.cache.first()!;
    expect(guild.presences.cache.size).toBe(0);
    expect(guild.members.cache.has(chef.userId) || guild.members.me !== null).toBe(true);
  });
});

describe("login backoff", () => {
  it("a rejected token is tried twice, then refused without asking Discord until the wait is over", async () => {
    h = await startBotsHarness(silent);
    let now = 0;
    const logs = captureLogs();
    const bots = new BotManager({
      logger: logs.logger,
      apiUrl: `${h.sandbox.url}/api`,
      loginSpacingMs: 0,
      loginBackoff: new LoginBackoff({ baseMs: 60_000, now: () => now }),
      onMessage: async () => undefined,
    });
    const attempt = () =>
      bots.start({ agentId: "broken", name: "Broken", token: "MTIz.broken.token" }).then(
        () => "online",
        (e: { code: string }) => e.code,
      );
    expect(await attempt()).toBe("TOKEN_REJECTED");
    expect(await attempt()).toBe("TOKEN_REJECTED");
    expect(await attempt()).toBe("TOKEN_REJECTED");
    const began = Date.now();
    expect(await attempt()).toBe("LOGIN_BACKOFF");
    expect(Date.now() - began).toBeLessThan(100);
    now = 60_000;
    expect(await attempt()).toBe("TOKEN_REJECTED");
    expect(await attempt()).toBe("LOGIN_BACKOFF");
    // A good bot on the same manager is not held back.
    const app = h.sandbox.control.createApplication("Good", { message_content_intent: true });
    h.sandbox.control.addBotToGuild(h.sandbox.control.guildId(), app.application_id);
    await bots.start({ agentId: "good", name: "Good", token: app.token });
    await bots.close();
  });
});
