// The sandbox's web pages in a real browser: the mock Developer Portal makes a bot, a real
// discord.js client logs in with the token the page showed, and a person talks to it in the chat.
import { ChannelType, Client, Events, type Message, type SendableChannels } from "discord.js";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserAvailability, launchBrowser, screenshotPath, type BrowserSession } from "../helpers/browser.js";
import { loginAndWait, sandboxClientOptions, startSandbox, waitForClientEvent, type SandboxHarness } from "../helpers/sandbox.js";

const BANNER = "Replies come from the offline demo model — set ANTHROPIC_API_KEY or BOBB_MODEL_BASE_URL to use a real one";
const availability = browserAvailability();

describe.skipIf(!availability.path)("sandbox web chat and Developer Portal in a browser", () => {
  let h: SandboxHarness;
  let browser: BrowserSession;
  let page: Page;
  let client: Client;
  let token = "";
  let botId = "";
  let humanId = "";
  let mention: Message;
  let general: SendableChannels;

  beforeAll(async () => {
    h = await startSandbox({ humanName: "you", banner: BANNER });
    humanId = h.sandbox.human?.id ?? "";
    const launched = await launchBrowser(availability.path ? { executablePath: availability.path } : {});
    if (!launched) throw new Error("no browser");
    browser = launched;
    page = await browser.newPage();
    page.setDefaultTimeout(10_000);
  });
  afterAll(async () => {
    await browser?.close();
    await h?.stop();
  });

  it("the portal creates an application, shows its token once, saves the intent and invites the bot", async () => {
    await page.goto(`${h.sandbox.url}/portal`);
    await page.getByRole("button", { name: "New Application" }).click();
    await page.getByLabel("Name").fill("Chef Bot");
    await page.getByRole("button", { name: "Create" }).click();
    await page.getByRole("heading", { name: "General Information" }).waitFor();
    const app = h.sandbox.control.applications().find((a) => a.name === "Chef Bot");
    expect(app).toBeDefined();
    botId = app?.bot_user_id ?? "";

    await page.getByRole("navigation", { name: "Portal" }).getByRole("link", { name: "Bot" }).click();
    const intent = page.getByRole("switch", { name: "MESSAGE CONTENT INTENT" });
    expect(await intent.getAttribute("aria-checked")).toBe("false");
    await intent.click();
    await page.getByText("Careful — you have unsaved changes!").waitFor();
    await page.getByRole("button", { name: "Save Changes" }).click();
    await page.getByText("Careful — you have unsaved changes!").waitFor({ state: "hidden" });
    expect(h.sandbox.control.applications().find((a) => a.name === "Chef Bot")?.message_content_intent).toBe(true);
    await page.locator(".toast").waitFor({ state: "detached" }); // out of the screenshot below

    await page.getByRole("button", { name: "Reset Token" }).click();
    await page.getByRole("button", { name: "Yes, do it!" }).click();
    token = (await page.getByTestId("token").textContent()) ?? "";
    expect(token.split(".")).toHaveLength(3);
    await page.getByText("It will not be shown again").waitFor();
    await page.getByTestId("token-section").getByRole("button", { name: "Copy" }).waitFor();
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: screenshotPath("portal.png") });

    await page.getByRole("navigation", { name: "Portal" }).getByRole("link", { name: "OAuth2" }).click();
    await page.getByRole("link", { name: "Invite to BoBB Sandbox" }).click();
    await page.waitForURL(/\/oauth2\/authorize\?client_id=/);
    await page.getByRole("heading", { name: "Chef Bot" }).waitFor();
    await page.getByRole("button", { name: "Authorize" }).click();
    await page.getByText("Chef Bot was added to BoBB Sandbox.").waitFor();
    expect(h.sandbox.control.guilds()[0]?.members.some((m) => m.id === botId)).toBe(true);
  });

  it("the chat shows the banner and the bot going online live when it logs in with that token", async () => {
    await page.goto(h.sandbox.url);
    await page.locator("body[data-ready=true]").waitFor();
    await page.getByText(BANNER).waitFor();
    await page.locator(".me-name", { hasText: "you" }).waitFor();
    const member = page.locator(`.member[data-user-id="${botId}"]`);
    await member.and(page.locator(".offline")).waitFor();
    expect(await member.locator(".bot-tag").textContent()).toBe("BOT");

    client = h.track(new Client(sandboxClientOptions(h.sandbox)));
    await loginAndWait(client, token);
    await member.and(page.locator(".online")).waitFor();
  });

  it("a mention picked from the autocomplete reaches the bot as a typed mention", async () => {
    const input = page.getByRole("textbox", { name: "Message" });
    await input.pressSequentially("hi @ch");
    await page.locator(".autocomplete-item", { hasText: "Chef Bot" }).waitFor();
    await input.press("Enter");
    expect(await input.inputValue()).toBe("hi @Chef Bot ");
    await input.pressSequentially("what can I cook with eggs?");
    const received = waitForClientEvent(client, Events.MessageCreate, (m) => m.author.id === humanId);
    await input.press("Enter");
    [mention] = await received;
    if (!mention.channel.isSendable()) throw new Error("the bot cannot send in #general");
    general = mention.channel;
    expect(mention.content).toBe(`hi <@${botId}> what can I cook with eggs?`);
    expect(mention.mentions.users.has(botId)).toBe(true);
    await page.locator(".message .mention", { hasText: "@Chef Bot" }).waitFor();
    expect(await input.inputValue()).toBe("");
  });

  it("typing shows, then the bot's reply appears as a reply with a BOT tag and a rendered code block", async () => {
    await general.sendTyping();
    const typing = page.locator("#typing", { hasText: "Chef Bot is typing…" });
    await typing.waitFor();
    await mention.reply({
      content: `Omelette time, <@${humanId}>! Whisk them with \`salt\`:\n\`\`\`js\nconst eggs = 3;\ncook(eggs, "omelette");\n\`\`\`\nReady in **5 minutes**.`,
      allowedMentions: { users: [humanId], repliedUser: false },
    });
    const reply = page.locator(".message.reply", { hasText: "Omelette time" });
    await reply.waitFor();
    await typing.waitFor({ state: "hidden" });
    expect(await reply.locator(".reply-context .reply-text").textContent()).toBe("hi @Chef Bot what can I cook with eggs?");
    expect(await reply.locator(".author").textContent()).toBe("Chef Bot");
    expect(await reply.locator(".header .bot-tag").textContent()).toBe("BOT");
    expect(await reply.locator("pre.codeblock code").textContent()).toBe('const eggs = 3;\ncook(eggs, "omelette");');
    expect(await reply.locator("code.inline").textContent()).toBe("salt");
    expect(await reply.locator(".mention.to-me").textContent()).toBe("@you");
    expect(await reply.getAttribute("class")).toContain("mentions-me");

    await general.sendTyping();
    await typing.waitFor();
    await page.screenshot({ path: screenshotPath("chat.png") });

    // Content is untrusted: markup from a bot stays text, and the
    // bot's message clears its typing indicator.
    await general.send('<img src=x onerror="window.pwned=1"> & <b>not bold</b>');
    const hostile = page.locator(".message", { hasText: "<b>not bold</b>" });
    await hostile.waitFor();
    expect(await hostile.locator("img, b").count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    await typing.waitFor({ state: "hidden" });
  });

  it("a '-# ' line shows as small subtext, and a reaction appears live under its message", async () => {
    const note = await general.send("Heads up.\n-# ⏸️ Bot-to-bot exchange paused in this channel.");
    const shown = page.locator(".message", { hasText: "Heads up." });
    await shown.waitFor();
    expect(await shown.locator(".subtext").textContent()).toBe("⏸️ Bot-to-bot exchange paused in this channel.");
    expect(await shown.locator(".content").textContent()).not.toContain("-#");
    await note.react("🛑");
    await shown.locator(".reaction", { hasText: "🛑 1" }).waitFor();
    await note.reactions.cache.get("🛑")!.users.remove(botId);
    await shown.locator(".reaction").waitFor({ state: "detached" });
  });

  it("clicking the bot in the member list opens a DM with it", async () => {
    await page.locator(`.member[data-user-id="${botId}"]`).click();
    await page.getByRole("dialog", { name: "Chef Bot" }).getByRole("button", { name: "Message @Chef Bot" }).click(); // the profile card's button
    await page.locator(".channel-header", { hasText: "Chef Bot" }).waitFor();
    await page.locator("#dms .channel.active", { hasText: "Chef Bot" }).waitFor();
    const input = page.getByRole("textbox", { name: "Message" });
    await input.fill("psst, a secret recipe?");
    const received = waitForClientEvent(client, Events.MessageCreate, (m) => m.author.id === humanId);
    await input.press("Enter");
    const [dm] = await received;
    expect(dm.channel.type).toBe(ChannelType.DM);
    expect(dm.content).toBe("psst, a secret recipe?");
    if (!dm.channel.isSendable()) throw new Error("the bot cannot answer the DM");
    await dm.channel.send("Only by DM: add a pinch of nutmeg.");
    await page.locator(".message", { hasText: "Only by DM: add a pinch of nutmeg." }).waitFor();
  });
});
