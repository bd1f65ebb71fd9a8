// The web chat with apps, in a real browser: a discord.js bot registers a slash command, the person
// runs it from the "/" picker, the bot answers (deferred, ephemeral, with buttons), a click opens the
// bot's modal, the submission reaches the bot. Also the 2,000-character counter, the reply-ping
// toggle and the profile card.
import {
  ActionRowBuilder,
  ApplicationCommandOptionType,
  ButtonBuilder,
  ButtonStyle,
  Events,
  MessageFlags,
  ModalBuilder,
  TextInputBuilder,
  TextInputStyle,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  type ModalSubmitInteraction,
} from "discord.js";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserAvailability, launchBrowser, screenshotPath, type BrowserSession } from "../helpers/browser.js";
import { discPng } from "../helpers/png.js";
import { startSandbox, waitForClientEvent, type SandboxHarness, type StartedBot } from "../helpers/sandbox.js";

const availability = browserAvailability();
const ABOUT = "Cooks pirate recipes from whatever is in your fridge.";

/** Resolves with the next interaction `pick` accepts, after `handle` answered it. */
function next<T extends Interaction>(bot: StartedBot, pick: (i: Interaction) => i is T, handle: (i: T) => Promise<unknown>): Promise<T> {
  return new Promise((resolve, reject) => {
    const listener = (i: Interaction) => {
      if (!pick(i)) return;
      bot.client.off(Events.InteractionCreate, listener);
      handle(i).then(() => resolve(i), reject);
    };
    bot.client.on(Events.InteractionCreate, listener);
  });
}
const isCommand = (i: Interaction): i is ChatInputCommandInteraction => i.isChatInputCommand();
const isButton = (i: Interaction): i is ButtonInteraction => i.isButton();
const isModal = (i: Interaction): i is ModalSubmitInteraction => i.isModalSubmit();

function personaModal(name: string): ModalBuilder {
  const persona = new TextInputBuilder()
    .setCustomId("persona")
    .setLabel("Persona")
    .setStyle(TextInputStyle.Paragraph)
    .setMinLength(5)
    .setMaxLength(200)
    .setRequired(true);
  return new ModalBuilder()
    .setCustomId(`persona:${name}`)
    .setTitle(`${name}'s persona`)
    .addComponents(new ActionRowBuilder<TextInputBuilder>().addComponents(persona));
}

describe.skipIf(!availability.path)("web chat with apps: commands, buttons, modals, counter, reply ping, profile", () => {
  let h: SandboxHarness;
  let browser: BrowserSession;
  let page: Page;
  let bot: StartedBot;
  let general = "";
  let humanId = "";

  beforeAll(async () => {
    h = await startSandbox({ humanName: "you" });
    humanId = h.sandbox.human?.id ?? "";
    general = h.sandbox.control.channelId("general");
    bot = await h.startBot("Recipe Bot");
    await bot.client.application!.edit({ description: ABOUT });
    await bot.client.user!.setAvatar(discPng([255, 255, 255], [237, 66, 69]));
    await bot.client.application!.commands.set(
      [
        {
          name: "recipe",
          description: "Recipes",
          options: [
            {
              type: ApplicationCommandOptionType.Subcommand,
              name: "create",
              description: "Create a recipe bot",
              options: [
                { type: ApplicationCommandOptionType.String, name: "name", description: "Its name", required: true },
                { type: ApplicationCommandOptionType.String, name: "persona", description: "Who it is" },
              ],
            },
          ],
        },
      ],
      h.sandbox.control.guildId(),
    );
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
  });

  it("the / picker lists the command with its description under its app and runs it with its options", async () => {
    const input = page.getByRole("textbox", { name: "Message" });
    await input.pressSequentially("/");
    const item = page.locator(".command-item", { hasText: "/recipe create" });
    await item.waitFor();
    expect(await item.locator(".command-description").textContent()).toBe("Create a recipe bot");
    expect(await page.locator(".command-app").first().textContent()).toBe("RBRecipe Bot"); // avatar initials, then the name
    await input.pressSequentially("recipe cr");
    await page.screenshot({ path: screenshotPath("chat-commands.png") });
    await input.press("Enter");

    const panel = page.getByLabel("Command options");
    await panel.locator(".command-chip", { hasText: "/recipe create" }).waitFor();
    expect(await panel.locator(".command-label").allTextContents()).toEqual(["name *", "persona"]);
    await panel.getByLabel("name").fill("Pirate");
    await panel.getByLabel("persona").fill("says arr");

    // The bot waits until the page showed "Sending command…", defers (ephemeral), then answers with buttons.
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let edit: () => void = () => undefined;
    const edited = new Promise<void>((resolve) => (edit = resolve));
    const ran = next(bot, isCommand, async (i) => {
      await gate;
      await i.deferReply({ flags: MessageFlags.Ephemeral });
      await edited;
      await i.editReply({
        content: `Made ${i.options.getString("name", true)} (${i.options.getString("persona") ?? "no persona"}).`,
        components: [
          new ActionRowBuilder<ButtonBuilder>().addComponents(
            new ButtonBuilder().setCustomId("open-form").setLabel("Open form").setStyle(ButtonStyle.Primary),
            new ButtonBuilder().setCustomId("remove").setLabel("Remove").setStyle(ButtonStyle.Danger).setDisabled(true),
            new ButtonBuilder().setURL("https://example.com/docs").setLabel("Docs").setStyle(ButtonStyle.Link),
          ),
        ],
      });
    });
    await panel.getByLabel("persona").press("Enter");
    await page.locator(".message.pending .content", { hasText: "Sending command…" }).waitFor();
    release();
    const thinking = page.locator(".message .content.thinking", { hasText: "Recipe Bot is thinking…" });
    await thinking.waitFor();
    edit();
    const command = await ran;
    expect(command.commandName).toBe("recipe");
    expect(command.options.getSubcommand()).toBe("create");
    expect(command.user.id).toBe(humanId);

    const answer = page.locator(".message.ephemeral", { hasText: "Made Pirate (says arr)." });
    await answer.waitFor();
    await thinking.waitFor({ state: "detached" });
    await page.locator(".message.pending").waitFor({ state: "detached" });
    expect(await answer.locator(".interaction-context").textContent()).toBe("Yyou used /recipe create");
    expect(await answer.locator(".ephemeral-note").textContent()).toBe("Only you can see this • Dismiss message");
    expect(await answer.locator(".component-button.primary").textContent()).toBe("Open form");
    expect(await answer.locator(".component-button.danger").isDisabled()).toBe(true);
    expect(await answer.locator("a.component-button.link").getAttribute("href")).toBe("https://example.com/docs");
    expect(await answer.locator(".gutter .avatar-image").getAttribute("src")).toMatch(new RegExp(`^/avatars/${bot.bot_user_id}/\\w+\\.png$`));
  });

  it("a button opens the bot's modal; Escape closes it, Submit sends the values to the bot", async () => {
    const answer = page.locator(".message.ephemeral", { hasText: "Made Pirate" });
    const firstClick = next(bot, isButton, (i) => i.showModal(personaModal("Pirate")));
    await answer.getByRole("button", { name: "Open form" }).click();
    expect((await firstClick).customId).toBe("open-form");
    const dialog = page.getByRole("dialog", { name: "Pirate's persona" });
    await dialog.waitFor();
    expect(await dialog.locator(".label").textContent()).toBe("Persona *");
    const field = dialog.getByLabel("Persona");
    expect(await field.getAttribute("minlength")).toBe("5");
    expect(await field.getAttribute("maxlength")).toBe("200");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });

    const secondClick = next(bot, isButton, (i) => i.showModal(personaModal("Pirate")));
    await answer.getByRole("button", { name: "Open form" }).click();
    await secondClick;
    await dialog.waitFor();
    await dialog.getByLabel("Persona").fill("A pirate who says arr and cooks fish.");
    await page.screenshot({ path: screenshotPath("chat-modal.png") });
    const submitted = next(bot, isModal, (i) => i.reply({ content: `Saved ${i.fields.getTextInputValue("persona")}` }));
    await dialog.getByRole("button", { name: "Submit" }).click();
    const modal = await submitted;
    expect(modal.customId).toBe("persona:Pirate");
    expect(modal.fields.getTextInputValue("persona")).toBe("A pirate who says arr and cooks fish.");
    await dialog.waitFor({ state: "detached" });
    await page.locator(".message:not(.ephemeral)", { hasText: "Saved A pirate who says arr and cooks fish." }).waitFor();

    await answer.getByRole("button", { name: "Dismiss message" }).click();
    await answer.waitFor({ state: "detached" });
  });

  it("the counter shows what is left near 2,000 characters; over it, Discord's alert and nothing is sent", async () => {
    const input = page.getByRole("textbox", { name: "Message" });
    const counter = page.locator("#counter");
    await input.fill("a".repeat(1500));
    await counter.waitFor({ state: "hidden" });
    await input.fill("a".repeat(1995));
    await counter.waitFor();
    expect(await counter.textContent()).toBe("5");
    await input.fill("a".repeat(2001));
    expect(await counter.textContent()).toBe("-1");
    expect(await counter.getAttribute("class")).toContain("over");
    const before = h.sandbox.control.listMessages(general).length;
    await input.press("Enter");
    const alert = page.getByRole("alertdialog", { name: "Your message is too long." });
    await alert.waitFor();
    expect(await alert.textContent()).toContain("We've set the limit at 2,000 characters");
    await alert.getByRole("button", { name: "Okay" }).click();
    await alert.waitFor({ state: "detached" });
    expect(h.sandbox.control.listMessages(general)).toHaveLength(before);
    expect(await input.inputValue()).toHaveLength(2001);
    await input.fill("");
    await counter.waitFor({ state: "hidden" });
  });

  it("the reply bar's @ ON/OFF decides whether the reply pings the author (allowed_mentions.replied_user)", async () => {
    const channel = bot.client.channels.cache.get(general);
    if (!channel?.isSendable()) throw new Error("no #general");
    await channel.send("Ahoy, reply to me.");
    const original = page.locator(".message:not(.reply)", { hasText: "Ahoy, reply to me." });
    const input = page.getByRole("textbox", { name: "Message" });
    const reply = async (text: string, ping: boolean) => {
      await original.hover();
      await original.getByRole("button", { name: "Reply" }).click();
      const toggle = page.locator("#reply-ping");
      expect(await toggle.textContent()).toBe("@ ON");
      if (!ping) await toggle.click();
      expect(await toggle.textContent()).toBe(ping ? "@ ON" : "@ OFF");
      await input.fill(text);
      const received = waitForClientEvent(bot.client, Events.MessageCreate, (m) => m.content === text);
      await input.press("Enter");
      const [message] = await received;
      return message;
    };
    const quiet = await reply("no ping please", false);
    expect(quiet.mentions.users.has(bot.bot_user_id)).toBe(false);
    const stored = () => h.sandbox.control.listMessages(general).find((m) => m["id"] === quiet.id) as { mentions: { id: string }[] };
    expect(stored().mentions.map((u) => u.id)).not.toContain(bot.bot_user_id);
    const loud = await reply("ping me", true);
    expect(loud.mentions.users.has(bot.bot_user_id)).toBe(true);
    const storedLoud = h.sandbox.control.listMessages(general).find((m) => m["id"] === loud.id) as { mentions: { id: string }[] };
    expect(storedLoud.mentions.map((u) => u.id)).toContain(bot.bot_user_id);
    await page.locator(".message.reply", { hasText: "ping me" }).waitFor();
  });

  it("clicking a member shows the profile card: avatar, name, BOT tag, About Me from the app, roles and presence", async () => {
    const member = page.locator(`.member[data-user-id="${bot.bot_user_id}"]`);
    expect(await member.locator(".avatar-image").getAttribute("src")).toMatch(/^\/avatars\/\d+\/\w+\.png$/);
    await member.click();
    const card = page.getByRole("dialog", { name: "Recipe Bot" });
    await card.waitFor();
    expect(await card.locator(".profile-name .bot-tag").textContent()).toBe("BOT");
    expect(await card.locator(".profile-section", { hasText: "About Me" }).locator(".profile-about").textContent()).toBe(ABOUT);
    expect(await card.locator(".profile-presence").textContent()).toBe("Online");
    expect(await card.locator(".profile-badge").textContent()).toContain("Supports Commands");
    expect(await card.locator(".profile-role").allTextContents()).toContain("Recipe Bot");
    expect(await card.locator(".profile-avatar .avatar-image").count()).toBe(1);
    await page.screenshot({ path: screenshotPath("chat-profile.png") });
    await page.keyboard.press("Escape");
    await card.waitFor({ state: "detached" });
  });

  it("the picker follows APPLICATION_COMMANDS_UPDATE: a command registered now is offered at once", async () => {
    await bot.client.application!.commands.create({ name: "stop", description: "Stop every bot in the channel" }, h.sandbox.control.guildId());
    const input = page.getByRole("textbox", { name: "Message" });
    await input.fill("");
    await input.pressSequentially("/st");
    await page.locator(".command-item", { hasText: "/stop" }).waitFor();
    await input.press("Escape");
    await input.fill("");
  });

  it("a deferred answer filled in with a long text keeps the chat at the bottom, and shows no (edited)", async () => {
    for (let n = 0; n < 20; n++) h.sandbox.control.postMessage(general, humanId, `filler ${n}`);
    await page.locator(".message", { hasText: "filler 19" }).waitFor();
    const input = page.getByRole("textbox", { name: "Message" });
    await input.pressSequentially("/recipe cr");
    await input.press("Enter");
    await page.locator("#command-option-name").fill("Long");
    const steps = Array.from({ length: 12 }, (_, n) => `${n + 1}. step number ${n + 1}`).join("\n");
    const ran = next(bot, isCommand, async (i) => {
      await i.deferReply({ flags: MessageFlags.Ephemeral });
      await page.locator(".message .content.thinking").waitFor();
      await i.editReply({ content: `Steps:\n${steps}` });
    });
    await page.locator("#command-option-name").press("Enter");
    await ran;
    const answer = page.locator(".message.ephemeral", { hasText: "step number 12" });
    await answer.waitFor();
    expect(await answer.locator(".edited").count()).toBe(0);
    // The whole answer, down to "Only you can see this", is in view above the composer.
    const note = await answer.locator(".ephemeral-note").boundingBox();
    const scroller = await page.locator("#messages").evaluate((list) => list.parentElement!.getBoundingClientRect().bottom);
    expect((note?.y ?? Infinity) + (note?.height ?? 0)).toBeLessThanOrEqual(scroller + 1);
  });
});
