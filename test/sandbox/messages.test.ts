import { DiscordAPIError, Events, GatewayIntentBits, Partials, type Message, type TextChannel } from "discord.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, waitForClientEvent, type SandboxHarness } from "../helpers/sandbox.js";

let h: SandboxHarness;
let general: string;
let alice: string;
beforeAll(async () => {
  h = await startSandbox();
  general = h.sandbox.control.channelId("general");
  alice = h.sandbox.control.createUser("alice").id;
});
afterEach(() => h.stopClients());
afterAll(() => h.stop());

const textChannel = async (message: { client: Message["client"] }, id: string) => (await message.client.channels.fetch(id)) as TextChannel;

describe("sandbox messages", () => {
  it("parses a typed mention into message.mentions.users", async () => {
    const bot = await h.startBot("Mentioned");
    const received = waitForClientEvent(bot.client, Events.MessageCreate);
    h.sandbox.control.postMessage(general, alice, `hi <@${bot.bot_user_id}> and <@!${bot.bot_user_id}>`);
    const [message] = await received;
    expect(message.author.id).toBe(alice);
    expect(message.author.bot).toBe(false);
    expect(message.mentions.users.map((u) => u.id)).toEqual([bot.bot_user_id]);
    expect(message.content).toContain(`<@${bot.bot_user_id}>`);
  });

  it("a reply-ping pings without putting a typed mention in the content", async () => {
    const bot = await h.startBot("Replied");
    const channel = await textChannel(bot.client.user!, general);
    const own = await channel.send("I said something");
    const received = waitForClientEvent(bot.client, Events.MessageCreate, (m) => m.author.id === alice);
    h.sandbox.control.postMessage(general, alice, "replying to you", { message_reference: { message_id: own.id } });
    const [reply] = await received;
    expect(reply.reference?.messageId).toBe(own.id);
    expect(reply.mentions.repliedUser?.id).toBe(bot.bot_user_id);
    expect(reply.mentions.users.has(bot.bot_user_id)).toBe(true); // Discord lists the pinged author
    expect(reply.content).not.toContain(bot.bot_user_id); // but nothing was typed
    expect(reply.mentions.has(bot.bot_user_id, { ignoreRepliedUser: true })).toBe(false);
  });

  it("without MESSAGE_CONTENT the content is empty unless the bot is mentioned", async () => {
    const bot = await h.startBot("Blind", {
      messageContent: false,
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages],
    });
    const plain = waitForClientEvent(bot.client, Events.MessageCreate, (m) => m.id === first["id"]);
    const first = h.sandbox.control.postMessage(general, alice, "nobody is mentioned");
    expect((await plain)[0].content).toBe("");
    const second = h.sandbox.control.postMessage(general, alice, `hey <@${bot.bot_user_id}>`);
    const [mentioned] = await waitForClientEvent(bot.client, Events.MessageCreate, (m) => m.id === second["id"]);
    expect(mentioned.content).toBe(`hey <@${bot.bot_user_id}>`);
  });

  it("sends, replies with allowedMentions, edits and deletes", async () => {
    const bot = await h.startBot("Writer");
    const other = await h.startBot("Other");
    const channel = await textChannel(bot.client.user!, general);
    const seen = waitForClientEvent(other.client, Events.MessageCreate, (m) => m.author.id === bot.bot_user_id && m.type === 19);
    const question = h.sandbox.control.postMessage(general, alice, "question?");
    const original = await channel.messages.fetch(String(question["id"]));
    const reply = await original.reply({
      content: `answer, cc <@${other.bot_user_id}> <@${alice}>`,
      allowedMentions: { users: [other.bot_user_id], repliedUser: false },
    });
    expect(reply.reference?.messageId).toBe(original.id);
    // Only the allowed user is pinged; alice is neither replied-pinged nor pinged by her typed mention.
    expect(reply.mentions.users.map((u) => u.id)).toEqual([other.bot_user_id]);
    const [seenReply] = await seen;
    expect(seenReply.mentions.users.has(other.bot_user_id)).toBe(true);

    const updated = waitForClientEvent(other.client, Events.MessageUpdate, (_old, m) => m.id === reply.id);
    const edited = await reply.edit("edited answer");
    expect(edited.editedTimestamp).not.toBeNull();
    expect((await updated)[1].content).toBe("edited answer");

    const deleted = waitForClientEvent(other.client, Events.MessageDelete, (m) => m.id === reply.id);
    await reply.delete();
    await deleted;
    await expect(channel.messages.fetch({ message: reply.id, force: true })).rejects.toMatchObject({ code: 10008 });
  });

  it("fetches history with before/limit, newest first", async () => {
    const bot = await h.startBot("Historian");
    const debate = h.sandbox.control.channelId("debate");
    const ids = Array.from({ length: 6 }, (_, i) => String(h.sandbox.control.postMessage(debate, alice, `m${i}`)["id"]));
    const channel = await textChannel(bot.client.user!, debate);
    const page = await channel.messages.fetch({ before: ids[4] ?? "", limit: 3, cache: false });
    expect([...page.values()].map((m) => m.content)).toEqual(["m3", "m2", "m1"]);
    const after = await channel.messages.fetch({ after: ids[3] ?? "", limit: 10, cache: false });
    expect([...after.values()].map((m) => m.content)).toEqual(["m5", "m4"]);
    const around = await channel.messages.fetch({ around: ids[2] ?? "", limit: 3, cache: false });
    expect([...around.values()].map((m) => m.content)).toEqual(["m3", "m2", "m1"]);
  });

  it("webhook messages carry webhook_id and the overridden name", async () => {
    const bot = await h.startBot("Hooker");
    const channel = await textChannel(bot.client.user!, general);
    const webhook = await channel.createWebhook({ name: "Relay" });
    const received = waitForClientEvent(bot.client, Events.MessageCreate, (m) => m.webhookId !== null);
    await webhook.send({ content: "from the hook", username: "Speaker" });
    const [message] = await received;
    expect(message.webhookId).toBe(webhook.id);
    expect(message.author.bot).toBe(true);
    expect(message.author.username).toBe("Speaker");
  });

  it("refuses 2,001 characters with DiscordAPIError 50035", async () => {
    const bot = await h.startBot("Verbose");
    const channel = await textChannel(bot.client.user!, general);
    const error: unknown = await channel.send("x".repeat(2001)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect(error).toMatchObject({ code: 50035, status: 400 });
    expect((error as DiscordAPIError).rawError).toMatchObject({ errors: { content: { _errors: [{ code: "BASE_TYPE_MAX_LENGTH" }] } } });
    await expect(channel.send("x".repeat(2000))).resolves.toBeDefined();
  });

  it("answers unknown channel 10003, and 50013 when Manage Messages is taken away", async () => {
    const bot = await h.startBot("Moderator");
    await expect(bot.client.rest.post("/channels/1234567890123456789/messages", { body: { content: "x" } })).rejects.toMatchObject({
      code: 10003,
      status: 404,
    });
    const channel = await textChannel(bot.client.user!, general);
    const first = h.sandbox.control.postMessage(general, alice, "delete me");
    await (await channel.messages.fetch(String(first["id"]))).delete(); // allowed by default
    h.sandbox.control.setManageMessages(h.sandbox.control.guildId(), bot.bot_user_id, false);
    const second = h.sandbox.control.postMessage(general, alice, "keep me");
    const message = await channel.messages.fetch(String(second["id"]));
    await expect(message.delete()).rejects.toMatchObject({ code: 50013, status: 403 });
  });

  it("reactions reach other bots", async () => {
    const bot = await h.startBot("Reactor");
    const watcher = await h.startBot("Watcher", {
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.GuildMessageReactions],
      partials: [Partials.Message, Partials.Reaction], // the watcher never cached the message
    });
    const channel = await textChannel(bot.client.user!, general);
    const posted = h.sandbox.control.postMessage(general, alice, "react to me");
    const added = waitForClientEvent(watcher.client, Events.MessageReactionAdd);
    await (await channel.messages.fetch(String(posted["id"]))).react("👍");
    const [reaction, user] = await added;
    expect(reaction.emoji.name).toBe("👍");
    expect(user.id).toBe(bot.bot_user_id);
  });
});

describe("sandbox nonces", () => {
  it("with enforce_nonce, a second post by the same author with the same nonce returns the first message and creates none, as on Discord", async () => {
    const bot = await h.startBot("Noncer");
    const channel = await textChannel(bot.client.user!, general);
    const before = h.sandbox.control.listMessages(general).length;
    const first = await channel.send({ content: "once", nonce: "retry-1", enforceNonce: true });
    const again = await channel.send({ content: "once", nonce: "retry-1", enforceNonce: true });
    expect(again.id).toBe(first.id);
    expect(h.sandbox.control.listMessages(general).length).toBe(before + 1);
    // Without enforce_nonce the nonce is only echoed: a new message each time.
    const loose = await channel.send({ content: "twice", nonce: "retry-1" });
    expect(loose.id).not.toBe(first.id);
    expect(h.sandbox.control.listMessages(general).length).toBe(before + 2);
  });
});
