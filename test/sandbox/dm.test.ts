import { ChannelType, Events, GatewayIntentBits } from "discord.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, waitForClientEvent, waitForSandboxEvent, type SandboxHarness } from "../helpers/sandbox.js";

let h: SandboxHarness;
let alice: string;
beforeAll(async () => {
  h = await startSandbox();
  alice = h.sandbox.control.createUser("alice").id;
});
afterEach(() => h.stopClients());
afterAll(() => h.stop());

describe("sandbox direct messages", () => {
  it("a human DMs the bot; the bot receives it (Partials.Channel) and replies", async () => {
    const bot = await h.startBot("Inbox");
    const { channel_id } = h.sandbox.control.openDm(alice, bot.bot_user_id);
    const received = waitForClientEvent(bot.client, Events.MessageCreate);
    h.sandbox.control.postMessage(channel_id, alice, "here is my secret");
    const [message] = await received;
    expect(message.channel.type).toBe(ChannelType.DM);
    expect(message.guildId).toBeNull();
    expect(message.author.id).toBe(alice);
    expect(message.content).toBe("here is my secret");

    const seen = waitForSandboxEvent(h.sandbox, "MESSAGE_CREATE", (d) => d["channel_id"] === channel_id && d["content"] === "got it");
    await message.reply("got it");
    await seen;
    const contents = h.sandbox.control.listMessages(channel_id).map((m) => m["content"]);
    expect(contents).toEqual(["here is my secret", "got it"]);
  });

  it("DM content arrives even without the Message Content intent", async () => {
    const bot = await h.startBot("Private", {
      messageContent: false,
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.DirectMessages],
    });
    const { channel_id } = h.sandbox.control.openDm(alice, bot.bot_user_id);
    const received = waitForClientEvent(bot.client, Events.MessageCreate);
    h.sandbox.control.postMessage(channel_id, alice, "visible in DMs");
    expect((await received)[0].content).toBe("visible in DMs");
  });

  it("a bot opens a DM with a human", async () => {
    const bot = await h.startBot("Caller");
    const user = await bot.client.users.fetch(alice);
    const seen = waitForSandboxEvent(h.sandbox, "MESSAGE_CREATE", (d) => d["content"] === "hello alice");
    const sent = await user.send("hello alice");
    expect(sent.channel.type).toBe(ChannelType.DM);
    const [event] = [await seen];
    expect(event.d["channel_id"]).toBe(h.sandbox.control.openDm(alice, bot.bot_user_id).channel_id);
  });
});
