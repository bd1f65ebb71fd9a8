import { ChannelType, Client, Events, GatewayIntentBits } from "discord.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { TOKEN_PATTERN } from "../../src/log/redact.js";
import { loginAndWait, sandboxClientOptions, startSandbox, waitForClientEvent, waitForSandboxEvent, type SandboxHarness } from "../helpers/sandbox.js";

let h: SandboxHarness;
beforeAll(async () => {
  h = await startSandbox();
});
afterEach(() => h.stopClients());
afterAll(() => h.stop());

describe("sandbox login", () => {
  it("a client gets ready and sees the guild, its channels and members", async () => {
    const alice = h.sandbox.control.createUser("alice");
    const bot = await h.startBot("Greeter", {
      serverMembers: true,
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMembers, GatewayIntentBits.GuildMessages],
    });
    expect(bot.client.user?.id).toBe(bot.bot_user_id);
    expect(bot.client.user?.bot).toBe(true);
    expect(bot.client.application?.id).toBe(bot.application_id);
    const guild = bot.client.guilds.cache.first();
    expect(guild?.name).toBe("BoBB Sandbox");
    expect(guild?.roles.everyone.id).toBe(guild?.id);
    const channels = guild?.channels.cache.map((c) => [c.name, c.type]);
    expect(channels).toEqual(
      expect.arrayContaining([
        ["general", ChannelType.GuildText],
        ["debate", ChannelType.GuildText],
      ]),
    );
    expect(guild?.members.cache.has(alice.id)).toBe(true);
    expect(guild?.members.cache.get(bot.bot_user_id)?.user.bot).toBe(true);
    // REST too: the bot can fetch the guild's channels and a member.
    const fetched = await bot.client.guilds.fetch(guild?.id ?? "");
    expect((await fetched.channels.fetch()).size).toBe(2);
    expect((await fetched.members.fetch(alice.id)).user.username).toBe("alice");
    // Fetching all members goes over the gateway (op 8 → GUILD_MEMBERS_CHUNK).
    const all = await fetched.members.fetch();
    expect(all.has(alice.id) && all.has(bot.bot_user_id)).toBe(true);
  });

  it("without the members intent GUILD_CREATE lists only the bot itself, as on Discord", async () => {
    const bot = await h.startBot("Loner");
    const guild = bot.client.guilds.cache.first();
    expect([...(guild?.members.cache.keys() ?? [])]).toEqual([bot.bot_user_id]);
  });

  it("tokens look like Discord bot tokens and the portal shows presence", async () => {
    const bot = await h.startBot("Shapely");
    expect(bot.token).toMatch(new RegExp(`^${TOKEN_PATTERN.source}$`));
    expect(Buffer.from(bot.token.split(".")[0] ?? "", "base64url").toString()).toBe(bot.bot_user_id);
    const member = () => h.sandbox.control.guilds()[0]?.members.find((m) => m.id === bot.bot_user_id);
    expect(member()).toMatchObject({ username: "Shapely", bot: true, online: true });
    const offline = waitForSandboxEvent(h.sandbox, "PRESENCE_UPDATE", (d) => (d["user"] as { id: string }).id === bot.bot_user_id);
    await bot.client.destroy();
    expect((await offline).d["status"]).toBe("offline");
    expect(member()?.online).toBe(false);
  });

  it("a bad token is refused: login rejects", async () => {
    const client = h.track(new Client(sandboxClientOptions(h.sandbox)));
    await expect(client.login("MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GAbCdE.not-a-real-token-aaaaaaaaaaaaaaaaaaaa")).rejects.toThrow(/token/i);
  });

  it("a privileged intent the application has not enabled closes with 4014", async () => {
    const bot = await h.startBot("NoContent", { messageContent: false, login: false });
    const disconnected = waitForClientEvent(bot.client, Events.ShardDisconnect);
    void bot.client.login(bot.token).catch(() => undefined);
    const [event] = await disconnected;
    expect(event.code).toBe(4014);
  });

  it("a token reset disconnects the client (4004) and the new token works", async () => {
    const bot = await h.startBot("Resetter");
    const disconnected = waitForClientEvent(bot.client, Events.ShardDisconnect);
    const { token } = h.sandbox.control.resetToken(bot.application_id);
    const [event] = await disconnected;
    expect(event.code).toBe(4004);
    expect(token).not.toBe(bot.token);

    const stale = h.track(new Client(sandboxClientOptions(h.sandbox)));
    await expect(stale.login(bot.token)).rejects.toThrow(/token/i);
    const fresh = h.track(new Client(sandboxClientOptions(h.sandbox)));
    await loginAndWait(fresh, token);
    expect(fresh.user?.id).toBe(bot.bot_user_id);
  });
});
