import { ApplicationFlags, Client, DiscordAPIError, Events, GatewayIntentBits, Routes } from "discord.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { controlCall, loginAndWait, rejectionOf, sandboxClientOptions, startSandbox, waitForClientEvent, type SandboxHarness } from "../helpers/sandbox.js";

// An app setting itself up: the message-content intent and description through
// PATCH /applications/@me (refused for a verified app), its bot's name and avatar through
// PATCH /users/@me, the avatar served like Discord's CDN, and the portal showing all of it.

// A 1x1 PNG.
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");

let h: SandboxHarness;
beforeAll(async () => {
  h = await startSandbox();
});
afterEach(() => h.stopClients());
afterAll(() => h.stop());

const portalApp = (id: string) => h.sandbox.control.applications().find((a) => a.application_id === id)!;

describe("sandbox PATCH /applications/@me and /users/@me", () => {
  it("an app switches on its own message-content intent and sets its description", async () => {
    const bot = await h.startBot("Selfie", { messageContent: false, intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages] });
    expect(portalApp(bot.application_id)).toMatchObject({ message_content_intent: false, flags: 0, description: "" });
    const app = await bot.client.application!.edit({ flags: ApplicationFlags.GatewayMessageContentLimited, description: "A chef who cooks from your fridge" });
    expect(app.flags.has(ApplicationFlags.GatewayMessageContentLimited)).toBe(true);
    expect(app.description).toBe("A chef who cooks from your fridge");
    const portal = (await controlCall(h.sandbox, "GET", "/portal/applications")).json as Record<string, unknown>[];
    expect(portal.find((a) => a["application_id"] === bot.application_id)).toMatchObject({
      message_content_intent: true,
      flags: 1 << 19,
      description: "A chef who cooks from your fridge",
      verified: false,
    });
    // The intent is now allowed at identify (no 4014).
    const withContent = h.track(new Client(sandboxClientOptions(h.sandbox, { intents: [GatewayIntentBits.Guilds, GatewayIntentBits.MessageContent] })));
    await loginAndWait(withContent, bot.token);
    expect((await withContent.application!.fetch()).flags.has(ApplicationFlags.GatewayMessageContentLimited)).toBe(true);
  });

  it("only the limited intent flags may be set, and a verified app may not change them (portal fallback)", async () => {
    const bot = await h.startBot("Verified", { messageContent: false, intents: [GatewayIntentBits.Guilds] });
    const other = await rejectionOf(bot.client.application!.edit({ flags: ApplicationFlags.Embedded }));
    expect(other).toMatchObject({ status: 400, code: 50035 });
    expect((other as unknown as DiscordAPIError).rawError).toHaveProperty("errors.flags._errors");

    const marked = await controlCall(h.sandbox, "PATCH", `/portal/applications/${bot.application_id}`, { verified: true });
    expect(marked).toMatchObject({ status: 200, json: { verified: true } });
    const refused = await rejectionOf(bot.client.application!.edit({ flags: ApplicationFlags.GatewayMessageContentLimited }));
    expect(refused).toBeInstanceOf(DiscordAPIError);
    expect(refused).toMatchObject({ status: 400, code: 50035 });
    expect((refused as unknown as DiscordAPIError).rawError).toMatchObject({ errors: { flags: { _errors: [{ code: "APPLICATION_FLAGS_VERIFIED" }] } } });
    expect(portalApp(bot.application_id).message_content_intent).toBe(false);
    // The portal switch still works, and other fields still change through the API.
    h.sandbox.control.updateApplication(bot.application_id, { message_content_intent: true });
    expect((await bot.client.application!.edit({ description: "still editable" })).description).toBe("still editable");
  });

  it("a bot sets its avatar (served at /avatars/:id/:hash.png) and username", async () => {
    const bot = await h.startBot("Painter");
    const watcher = await h.startBot("Onlooker", { intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMembers], serverMembers: true });
    // Others hear of it as GUILD_MEMBER_UPDATE, which discord.js turns into userUpdate.
    const memberUpdate = waitForClientEvent(watcher.client, Events.UserUpdate, (_old, u) => u.id === bot.bot_user_id && u.avatar !== null);
    const user = await bot.client.user!.setAvatar(PNG);
    expect(user.avatar).toMatch(/^[0-9a-f]{32}$/);
    await memberUpdate;
    const served = await fetch(`${h.sandbox.url}/avatars/${bot.bot_user_id}/${user.avatar}.png`);
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await served.arrayBuffer()).equals(PNG)).toBe(true);
    expect((await fetch(`${h.sandbox.url}/avatars/${watcher.bot_user_id}/${user.avatar}.png`)).status).toBe(404);
    expect(portalApp(bot.application_id)).toMatchObject({ avatar: user.avatar, avatar_url: `/avatars/${bot.bot_user_id}/${user.avatar}.png` });
    // discord.js builds the CDN URL from rest.cdn; with the sandbox as CDN it resolves.
    expect(user.avatarURL({ extension: "png" })).toContain(`/avatars/${bot.bot_user_id}/${user.avatar}.png`);

    const renamed = await bot.client.user!.setUsername("Painter Pro");
    expect(renamed.username).toBe("Painter Pro");
    expect(portalApp(bot.application_id).bot_username).toBe("Painter Pro");

    const bad = await rejectionOf(bot.client.rest.patch(Routes.user(), { body: { avatar: "data:image/png;base64,bm90IGEgcG5n" } }));
    expect(bad).toMatchObject({ status: 400, code: 50035 });
    expect((bad as unknown as DiscordAPIError).rawError).toMatchObject({ errors: { avatar: { _errors: [{ code: "IMAGE_INVALID" }] } } });
    await bot.client.user!.setAvatar(null);
    expect(portalApp(bot.application_id).avatar).toBeNull();
  });
});
