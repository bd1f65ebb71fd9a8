// Threads and uploads in the web chat, in a real browser, with a real discord.js bot on the other side.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Events, type Client } from "discord.js";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserAvailability, launchBrowser, screenshotPath, type BrowserSession } from "../helpers/browser.js";
import { discPng } from "../helpers/png.js";
import { startSandbox, waitForClientEvent, type SandboxHarness } from "../helpers/sandbox.js";
import { tempDir } from "../helpers/temp.js";

const availability = browserAvailability();

describe.skipIf(!availability.path)("web chat: threads and image uploads", () => {
  let h: SandboxHarness;
  let browser: BrowserSession;
  let page: Page;
  let client: Client;
  let botId = "";
  let humanId = "";
  let dir: { dir: string; cleanup: () => Promise<void> } | undefined;

  beforeAll(async () => {
    h = await startSandbox({ humanName: "you" });
    humanId = h.sandbox.human?.id ?? "";
    const bot = await h.startBot("Thread Bot");
    client = bot.client;
    botId = bot.bot_user_id;
    const launched = await launchBrowser(availability.path ? { executablePath: availability.path } : {});
    if (!launched) throw new Error("no browser");
    browser = launched;
    page = await browser.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(h.sandbox.url);
    await page.locator("body[data-ready=true]").waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await h?.stop();
    await dir?.cleanup();
  });

  it("creates a thread from a message, posts in it, and the bot's answer in the thread counts under the starter", async () => {
    const input = page.getByRole("textbox", { name: "Message" });
    await input.fill("Plan the launch party");
    await input.press("Enter");
    const starter = page.locator(".message", { hasText: "Plan the launch party" });
    await starter.waitFor();
    await starter.hover();
    const created = waitForClientEvent(client, Events.ThreadCreate);
    await starter.getByRole("button", { name: "Create Thread" }).click();
    const name = page.getByLabel("Thread Name");
    expect(await name.inputValue()).toBe("Plan the launch party");
    await name.fill("Launch party");
    await page.getByRole("button", { name: "Submit" }).click();
    const [thread] = await created;
    expect(thread.parentId).toBe(h.sandbox.control.channelId("general"));
    await page.locator(".channel-title", { hasText: "Launch party" }).waitFor();
    await page.locator(".channel.thread", { hasText: "Launch party" }).waitFor();

    const asked = waitForClientEvent(client, Events.MessageCreate, (m) => m.channelId === thread.id && m.author.id === humanId);
    await input.fill("who brings snacks?");
    await input.press("Enter");
    const [question] = await asked;
    expect(question.channel.isThread()).toBe(true);
    await question.reply(`<@${humanId}> I will bring snacks.`);
    await page.locator(".message", { hasText: "I will bring snacks." }).waitFor();
    await page.screenshot({ path: screenshotPath("thread.png") });

    await page.locator(".channel:not(.thread)", { hasText: "general" }).click();
    await page.locator(`.thread-link[data-thread-id="${thread.id}"]`, { hasText: "2 Messages ›" }).waitFor();
    await page.getByRole("button", { name: "Threads" }).click();
    await page.locator(".threads-row", { hasText: "Launch party" }).click();
    await page.locator(".message:not(.reply)", { hasText: "who brings snacks?" }).waitFor();
  });

  it("uploads an image with the + button; it previews in the tray, then shows inline and reaches the bot", async () => {
    dir = await tempDir("web-upload-");
    const file = join(dir.dir, "dot.png");
    writeFileSync(file, Buffer.from(discPng([88, 101, 242], [255, 255, 255], 120).split(",")[1] ?? "", "base64"));
    await page.locator(".channel:not(.thread)", { hasText: "general" }).click();
    const chooser = page.waitForEvent("filechooser");
    await page.getByRole("button", { name: "Upload a File" }).click();
    await (await chooser).setFiles(file);
    await page.locator(".upload", { hasText: "dot.png" }).locator("img.upload-preview").waitFor();
    const received = waitForClientEvent(client, Events.MessageCreate, (m) => m.author.id === humanId && m.attachments.size > 0);
    const input = page.getByRole("textbox", { name: "Message" });
    await input.fill(`look <@${botId}>`);
    await input.press("Enter");
    const [message] = await received;
    expect(message.attachments.first()).toMatchObject({ name: "dot.png", contentType: "image/png", width: 120, height: 120 });
    const image = page.locator(".message .attachment-image img");
    await image.waitFor();
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>(".message .attachment-image img");
      return img !== null && img.complete && img.naturalWidth === 120;
    });
    expect(await page.locator(".uploads").isHidden()).toBe(true);
    await page.screenshot({ path: screenshotPath("image-upload.png") });
  });
});
