import { randomBytes } from "node:crypto";
import { AttachmentBuilder, DiscordAPIError, Events, GatewayIntentBits, type TextChannel } from "discord.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { discPng } from "../helpers/png.js";
import { controlCall, rejectionOf, startSandbox, waitForClientEvent, type SandboxHarness } from "../helpers/sandbox.js";

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

const png = Buffer.from(discPng([200, 40, 40], [255, 255, 255], 48).split(",")[1] ?? "", "base64");
const download = async (url: string) => {
  const response = await fetch(url);
  return { status: response.status, type: response.headers.get("content-type"), bytes: Buffer.from(await response.arrayBuffer()) };
};

describe("sandbox attachments", () => {
  it("discord.js uploads files (multipart); another bot sees attachments whose URLs download the same bytes", async () => {
    const sender = await h.startBot("Uploader");
    const reader = await h.startBot("Reader");
    const channel = (await sender.client.channels.fetch(general)) as TextChannel;
    const text = Buffer.from("line one\nline two\n");
    const received = waitForClientEvent(reader.client, Events.MessageCreate, (m) => m.author.id === sender.bot_user_id);
    const sent = await channel.send({
      content: "two files",
      files: [new AttachmentBuilder(png, { name: "red dot.png", description: "a red dot" }), { attachment: text, name: "notes.txt" }],
    });
    expect(sent.attachments.size).toBe(2);
    const [message] = await received;
    const [image, notes] = [...message.attachments.values()];
    expect(image).toMatchObject({ name: "red_dot.png", size: png.length, contentType: "image/png", width: 48, height: 48, description: "a red dot" });
    expect(notes).toMatchObject({ name: "notes.txt", size: text.length, contentType: "text/plain; charset=utf-8", width: null });
    expect(image?.url).toMatch(new RegExp(`^${h.sandbox.url}/attachments/${general}/\\d+/red_dot\\.png$`));
    const got = await download(image?.url ?? "");
    expect(got).toMatchObject({ status: 200, type: "image/png" });
    expect(got.bytes.equals(png)).toBe(true);
    expect((await download(notes?.url ?? "")).bytes.equals(text)).toBe(true);
    expect((await download(`${h.sandbox.url}/attachments/${general}/${image?.id}/other.png`)).status).toBe(404);
  });

  it("a file only (no content) is a message; over 10 MiB is refused with 40005, more than 10 files with 50035", async () => {
    const bot = await h.startBot("Limits");
    const channel = (await bot.client.channels.fetch(general)) as TextChannel;
    const only = await channel.send({ files: [{ attachment: Buffer.from("x"), name: "x.bin" }] });
    expect(only.content).toBe("");
    const large = await rejectionOf(channel.send({ files: [{ attachment: randomBytes(10 * 1024 * 1024 + 1), name: "big.bin" }] }));
    expect(large).toBeInstanceOf(DiscordAPIError);
    expect((large as unknown as DiscordAPIError).code).toBe(40005);
    expect((large as unknown as DiscordAPIError).status).toBe(413);
    const many = Array.from({ length: 11 }, (_v, i) => ({ attachment: Buffer.from(String(i)), name: `f${i}.txt` }));
    const tooMany = await rejectionOf(channel.send({ files: many }));
    expect((tooMany as unknown as DiscordAPIError).code).toBe(50035);
    // The connection survived both refusals.
    expect((await channel.send("still here")).content).toBe("still here");
  });

  it("a person posts an image through the control API (base64); bots without MESSAGE_CONTENT get no attachments", async () => {
    const bot = await h.startBot("Viewer");
    const blind = await h.startBot("Blind", { messageContent: false, intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages] });
    const seen = waitForClientEvent(bot.client, Events.MessageCreate, (m) => m.author.id === alice);
    const unseen = waitForClientEvent(blind.client, Events.MessageCreate, (m) => m.author.id === alice);
    const { status, json } = await controlCall(h.sandbox, "POST", `/control/channels/${general}/messages`, {
      author_id: alice,
      content: "look",
      attachments: [{ filename: "dot.png", data: png.toString("base64") }],
    });
    expect(status).toBe(201);
    expect(json).toMatchObject({ attachments: [{ filename: "dot.png", content_type: "image/png", width: 48, height: 48 }] });
    const [message] = await seen;
    expect(message.attachments.first()?.contentType).toBe("image/png");
    expect((await unseen)[0].attachments.size).toBe(0);
    const bad = await controlCall(h.sandbox, "POST", `/control/channels/${general}/messages`, {
      author_id: alice,
      content: "",
      attachments: [{ filename: "x.bin", data: "not base64!" }],
    });
    expect(bad.status).toBe(400);
  });
});
