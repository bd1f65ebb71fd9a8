// The web chat and the Developer Portal at phone width (390×844): nothing overflows sideways, the
// channel and member lists collapse into drawers, the composer, the command picker and its option
// fields, and an app's modal fit. With BOBB_SCREENSHOTS=1 the
// screenshots refresh docs/screenshots/phone-chat.png and phone-portal.png.
import {
  ActionRowBuilder,
  ApplicationCommandOptionType,
  ButtonBuilder,
  ButtonStyle,
  Events,
  LabelBuilder,
  MessageFlags,
  ModalBuilder,
  TextInputBuilder,
  TextInputStyle,
  type Interaction,
} from "discord.js";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserAvailability, launchBrowser, screenshotPath, type BrowserSession } from "../helpers/browser.js";
import { discPng } from "../helpers/png.js";
import { startSandbox, type SandboxHarness, type StartedBot } from "../helpers/sandbox.js";

const availability = browserAvailability();
const PHONE = { width: 390, height: 844 };

/** The page's widest content against the viewport: nothing may need a sideways scroll. */
async function overflow(page: Page): Promise<{ scrollWidth: number; innerWidth: number }> {
  return page.evaluate(() => ({ scrollWidth: document.scrollingElement?.scrollWidth ?? 0, innerWidth: window.innerWidth }));
}

describe.skipIf(!availability.path)("web chat and portal at phone width", () => {
  let h: SandboxHarness;
  let browser: BrowserSession;
  let page: Page;
  let bot: StartedBot;

  beforeAll(async () => {
    h = await startSandbox({ humanName: "you" });
    bot = await h.startBot("Pirate Bot");
    await bot.client.user!.setAvatar(discPng([255, 214, 102], [88, 101, 242]));
    await bot.client.application!.edit({ description: "A pirate who says arr." });
    await bot.client.application!.commands.set(
      [
        {
          name: "pirate",
          description: "Talk like a pirate",
          options: [{ type: ApplicationCommandOptionType.String, name: "topic", description: "What about", required: true }],
        },
      ],
      h.sandbox.control.guildId(),
    );
    bot.client.on(Events.InteractionCreate, (i: Interaction) => {
      if (i.isButton() && i.customId === "more") {
        const input = new TextInputBuilder().setCustomId("wish").setStyle(TextInputStyle.Short).setRequired(true).setPlaceholder("Gold, rum, a map…");
        void i.showModal(
          new ModalBuilder()
            .setCustomId("wish-form")
            .setTitle("What be yer wish?")
            .addLabelComponents(new LabelBuilder().setLabel("Your wish").setDescription("The pirate reads it aloud.").setTextInputComponent(input)),
        );
        return;
      }
      if (i.isModalSubmit()) {
        void i.reply({ content: `Arr, ${i.fields.getTextInputValue("wish")} it be!`, flags: MessageFlags.Ephemeral });
        return;
      }
      if (!i.isChatInputCommand()) return;
      void i.reply({
        content: `Arr, ${i.options.getString("topic", true)} be a fine topic! Shall I tell ye more?`,
        flags: MessageFlags.Ephemeral,
        components: [
          new ActionRowBuilder<ButtonBuilder>().addComponents(
            new ButtonBuilder().setCustomId("more").setLabel("Tell me more").setStyle(ButtonStyle.Primary),
            new ButtonBuilder().setCustomId("stop").setLabel("Stop").setStyle(ButtonStyle.Danger),
          ),
        ],
      });
    });
    const launched = await launchBrowser({ ...(availability.path ? { executablePath: availability.path } : {}), viewport: PHONE });
    if (!launched) throw new Error("no browser");
    browser = launched;
    page = await browser.newPage();
    page.setDefaultTimeout(10_000);
  });
  afterAll(async () => {
    await browser?.close();
    await h?.stop();
  });

  it("the chat fits 390 px: lists collapse into drawers, a long message and the command picker stay inside", async () => {
    const general = h.sandbox.control.channelId("general");
    const human = h.sandbox.human?.id ?? "";
    h.sandbox.control.postMessage(general, human, `<@${bot.bot_user_id}> what be the best treasure? ${"x".repeat(120)}`);
    const channel = bot.client.channels.cache.get(general);
    if (!channel?.isSendable()) throw new Error("no #general");
    await channel.send(
      "Arr! The best treasure be a full galley:\n```js\nconst treasure = ['gold', 'rum', 'a very long line of code that would overflow a phone screen'];\n```",
    );

    await page.goto(h.sandbox.url);
    await page.locator("body[data-ready=true]").waitFor();
    await page.locator(".message", { hasText: "full galley" }).waitFor();
    expect(await page.locator(".sidebar").isVisible()).toBe(false);
    expect(await page.locator("#members").isVisible()).toBe(false);
    const size = await overflow(page);
    expect(size.scrollWidth).toBeLessThanOrEqual(size.innerWidth);

    await page.getByRole("button", { name: "Channels" }).click();
    await page.locator(".sidebar").waitFor();
    expect(await overflow(page).then((s) => s.scrollWidth <= s.innerWidth)).toBe(true);
    await page.locator("#channels .channel", { hasText: "debate" }).click();
    await page.locator(".sidebar").waitFor({ state: "hidden" });
    await page.locator(".channel-title", { hasText: "debate" }).waitFor();
    await page.getByRole("button", { name: "Channels" }).click();
    await page.locator("#channels .channel", { hasText: "general" }).click();
    await page.locator(".sidebar").waitFor({ state: "hidden" });

    await page.getByRole("button", { name: "Member List" }).click();
    await page.locator("#members").waitFor();
    const membersBox = await page.locator("#members").boundingBox();
    expect((membersBox?.x ?? 0) + (membersBox?.width ?? 0)).toBeLessThanOrEqual(PHONE.width);
    await page.locator("#backdrop").click({ position: { x: 20, y: 400 } });
    await page.locator("#members").waitFor({ state: "hidden" });

    const input = page.getByRole("textbox", { name: "Message" });
    await input.pressSequentially("/pi");
    await page.locator(".command-item", { hasText: "/pirate" }).waitFor();
    expect(await overflow(page).then((s) => s.scrollWidth <= s.innerWidth)).toBe(true);
    await input.press("Enter");
    // The option fields take the composer: the upload button does not sit on top of them.
    await page.getByLabel("topic").waitFor();
    expect(await page.locator("#upload-button").isVisible()).toBe(false);
    await page.getByLabel("topic").fill("treasure");
    await page.getByLabel("topic").press("Enter");
    await page.locator(".message.ephemeral", { hasText: "treasure be a fine topic" }).waitFor();
    await page.locator(".message.pending").waitFor({ state: "detached" });
    const composerBox = await page.locator(".composer").boundingBox();
    expect((composerBox?.x ?? 0) + (composerBox?.width ?? 0)).toBeLessThanOrEqual(PHONE.width);
    const after = await overflow(page);
    expect(after.scrollWidth).toBeLessThanOrEqual(after.innerWidth);
    await page.mouse.move(PHONE.width / 2, 20); // no hover toolbar in the picture
    await page.screenshot({ path: screenshotPath("phone-chat.png") });

    // A button that opens a modal: the dialog fits the phone, its field and buttons inside it.
    await page.locator(".message.ephemeral").getByRole("button", { name: "Tell me more" }).click();
    const dialog = page.getByRole("dialog", { name: "What be yer wish?" });
    await dialog.waitFor();
    const box = await dialog.boundingBox();
    expect(box?.x ?? -1).toBeGreaterThanOrEqual(0);
    expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(PHONE.width);
    for (const part of [dialog.getByLabel("Your wish"), dialog.getByRole("button", { name: "Submit" })]) {
      const inner = await part.boundingBox();
      expect((inner?.x ?? 0) + (inner?.width ?? 0)).toBeLessThanOrEqual((box?.x ?? 0) + (box?.width ?? 0));
    }
    expect(await overflow(page).then((s) => s.scrollWidth <= s.innerWidth)).toBe(true);
    await dialog.getByLabel("Your wish").fill("a map");
    await dialog.getByRole("button", { name: "Submit" }).click();
    await page.locator(".message.ephemeral", { hasText: "Arr, a map it be!" }).waitFor();
    expect(await page.locator("#upload-button").isVisible()).toBe(true);
  });

  it("the portal reflows at 390 px: the menu becomes a strip and no page overflows", async () => {
    await page.goto(`${h.sandbox.url}/portal`);
    await page.getByRole("button", { name: "New Application" }).waitFor();
    const app = h.sandbox.control.applications().find((a) => a.name === "Pirate Bot");
    if (!app) throw new Error("no app");
    for (const section of ["", `#/applications/${app.application_id}/information`, `#/applications/${app.application_id}/oauth2`]) {
      await page.goto(`${h.sandbox.url}/portal${section}`);
      await page.locator("#view h1").waitFor();
      const size = await overflow(page);
      expect(size.scrollWidth, section || "list").toBeLessThanOrEqual(size.innerWidth);
    }
    await page.goto(`${h.sandbox.url}/portal#/applications/${app.application_id}/bot`);
    await page.getByRole("switch", { name: "MESSAGE CONTENT INTENT" }).waitFor();
    const size = await overflow(page);
    expect(size.scrollWidth).toBeLessThanOrEqual(size.innerWidth);
    const nav = await page.getByRole("navigation", { name: "Portal" }).boundingBox();
    expect(nav?.width ?? 0).toBeLessThanOrEqual(PHONE.width);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: screenshotPath("phone-portal.png") });
  });
});
