// The demo journey the Discord-native way, through the web pages only, as a person would: `/bobb
// create` from the command picker, BoBB's ephemeral steps, the portal (no intent step: BoBB
// switches it on itself), the token pasted into BoBB's form (the "Submit token" button for the
// first bot, `/bobb token` for the second, made at phone width), the bot online with its
// generated avatar, a debate under the loop governor, and `/stop` acknowledged. The product runs
// in-process as `npm start` builds it in sandbox mode, with the scripted demo model.
// BOBB_SCREENSHOTS=1 writes the README's pictures (docs/screenshots/journey-*.png, phone-journey-*.png).
import { ApplicationFlags } from "discord.js";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startApp, type App } from "../../src/app.js";
import { loadConfig } from "../../src/config/index.js";
import { createScriptedModel, demoRules, type ScriptedModel } from "../../src/demo-model/index.js";
import { GOVERNOR_DEFAULTS } from "../../src/discord/governor.js";
import { browserAvailability, launchBrowser, screenshotPath, type BrowserSession } from "../helpers/browser.js";
import { messagesAfter, messagesBy, openChannel, pickCommand, runPicked, send } from "../helpers/chat-page.js";
import { captureLogs } from "../helpers/logs.js";
import { localEnv } from "../helpers/supervisor.js";
import { tempDir } from "../helpers/temp.js";
import { waitFor } from "../helpers/wait.js";

const availability = browserAvailability();
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

let cleanup: () => Promise<void>;
let model: ScriptedModel;
let app: App;
let logs: string[];
let browser: BrowserSession;
let context: BrowserContext;
let chat: Page;
let portal: Page | undefined;
let me: string;
const tokens: string[] = [];
const bots: Record<string, string> = {}; // name → Discord user id

beforeAll(async () => {
  if (!availability.path) return;
  let dir: string;
  ({ dir, cleanup } = await tempDir("bobb-journey-commands-"));
  model = await createScriptedModel();
  const root = captureLogs("debug");
  logs = root.lines;
  const config = loadConfig(await localEnv(dir), dir);
  expect(config).toMatchObject({ discordMode: "sandbox", modelSource: "demo" });
  app = await startApp(config, root, { modelBaseUrl: model.url });
  me = app.discord.sandbox!.human!.id;
  const launched = await launchBrowser({ executablePath: availability.path });
  if (!launched) throw new Error("no browser");
  browser = launched;
  context = browser.context;
  chat = await browser.newPage();
  chat.setDefaultTimeout(30_000);
}, 180_000);

afterEach((task) => {
  if (task.task.result?.state !== "fail" || !app) return;
  const control = app.discord.sandbox!.control;
  for (const name of ["general", "debate"]) {
    const messages = control.listMessages(control.channelId(name)) as unknown as { author: { username: string }; content: string }[];
    console.log(`#${name}:\n${messages.map((m) => `  ${m.author.username}: ${m.content}`).join("\n")}`);
  }
  console.log(logs.filter((line) => /"level":(40|50|60)/.test(line)).join("\n"));
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await model?.close();
  await cleanup?.();
});

/** Saves a screenshot with no hover toolbar in it; `phone` ones are taken at the phone viewport. */
async function shot(page: Page, name: string): Promise<void> {
  await page.mouse.move(page.viewportSize()!.width - 5, 5);
  await page.screenshot({ path: screenshotPath(name) });
}

/** In the portal tab: New Application → Bot → Reset Token; returns the token (the intent switch is left alone). */
async function makeApplication(name: string, screenshot?: string): Promise<string> {
  if (!portal || portal.isClosed()) {
    // The chat's sidebar link opens the portal in its own tab.
    [portal] = await Promise.all([context.waitForEvent("page"), chat.getByRole("link", { name: "Developer Portal" }).click()]);
    portal.setDefaultTimeout(30_000);
  } else {
    await portal.bringToFront();
    await portal.getByRole("link", { name: "← My Applications" }).click();
  }
  const p = portal;
  await p.getByRole("button", { name: "New Application" }).click();
  await p.getByLabel("Name").fill(name);
  await p.getByRole("button", { name: "Create" }).click();
  await p.getByRole("heading", { name: "General Information" }).waitFor();
  await p.getByRole("navigation", { name: "Portal" }).getByRole("link", { name: "Bot" }).click();
  await p.getByRole("button", { name: "Reset Token" }).click();
  await p.getByRole("button", { name: "Yes, do it!" }).click();
  const token = ((await p.getByTestId("token").textContent()) ?? "").trim();
  expect(token.split(".")).toHaveLength(3);
  tokens.push(token);
  if (screenshot) {
    // A throwaway sandbox token; blurred anyway, as a README should show one.
    await p.getByTestId("token").evaluate((node) => ((node as HTMLElement).style.filter = "blur(5px)"));
    await p.evaluate(() => window.scrollTo(0, 0));
    await p.screenshot({ path: screenshotPath(screenshot), fullPage: true });
    await p.getByTestId("token").evaluate((node) => ((node as HTMLElement).style.filter = ""));
  }
  await chat.bringToFront();
  return token;
}

/** Pastes the token into BoBB's open form and submits; resolves with BoBB's "… is online" answer. */
async function submitToken(name: string, token: string, screenshot?: string) {
  const dialog = chat.getByRole("dialog", { name: `Token for ${name}` });
  await dialog.waitFor();
  await dialog.getByLabel("Bot token").fill(token);
  if (screenshot) {
    await dialog.getByLabel("Bot token").evaluate((node) => ((node as HTMLElement).style.filter = "blur(4px)"));
    await shot(chat, screenshot);
    await dialog.getByLabel("Bot token").evaluate((node) => ((node as HTMLElement).style.filter = ""));
  }
  await dialog.getByRole("button", { name: "Submit" }).click();
  await dialog.waitFor({ state: "detached" });
  const online = chat.locator(".message.ephemeral", { hasText: `${name} is online: invite it with` });
  await online.waitFor({ timeout: 60_000 });
  // One answer per outcome, and the token is in none of the page's text.
  expect(await chat.locator(".message", { hasText: `${name} did not start` }).count()).toBe(0);
  expect(await chat.locator("body").textContent()).not.toContain(token);
  return online;
}

/** Follows the invite link of BoBB's answer, authorizes, and waits for the bot in the member list with its avatar. */
async function invite(name: string, online: ReturnType<typeof chat.locator>): Promise<string> {
  const link = online.locator('a[href*="/oauth2/authorize?client_id="]');
  const botId = new URL((await link.getAttribute("href"))!).searchParams.get("client_id")!;
  const [authorize] = await Promise.all([context.waitForEvent("page"), link.click()]);
  await authorize.getByRole("heading", { name }).waitFor();
  await authorize.getByRole("button", { name: "Authorize" }).click();
  await authorize.getByText(`${name} was added to BoBB Sandbox.`).waitFor();
  await authorize.close();
  await chat.bringToFront();
  bots[name] = botId;
  return botId;
}

/** The member list shows the bot online with the avatar BoBB made for it (a loaded picture, not initials). */
async function expectAvatar(botId: string, name: string): Promise<void> {
  const member = chat.locator(`.member.online[data-user-id="${botId}"]`, { hasText: name });
  await member.waitFor({ timeout: 60_000 });
  const image = member.locator("img.avatar-image");
  await image.waitFor();
  await expect.poll(() => image.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
}

/** BoBB's ephemeral answer after `/bobb create`: the steps, no intent step, the Submit token button. */
async function expectSteps(name: string) {
  const steps = chat.locator(".message.ephemeral", { hasText: `I created ${name}` });
  await steps.waitFor({ timeout: 60_000 });
  await steps.locator(".ephemeral-note", { hasText: "Only you can see this" }).waitFor();
  await steps.locator(".interaction-context", { hasText: "used /bobb create" }).waitFor();
  const text = (await steps.locator(".content").textContent()) ?? "";
  for (const step of ["New Application", "Reset Token", "Submit token", "/bobb token", "direct message"]) expect(text).toContain(step);
  expect(text).not.toContain("MESSAGE CONTENT");
  // Only the person who ran it sees it: nothing of it is in the channel for others.
  const control = app.discord.sandbox!.control;
  const general = control.listMessages(control.channelId("general")) as unknown as { content: string }[];
  expect(general.some((m) => m.content.includes(`I created **${name}**`))).toBe(false);
  return steps;
}

describe.skipIf(!availability.path)("the demo journey with slash commands and the token form", () => {
  it("/bobb create from the picker, the portal without the intent step, Submit token into the form: Chef Bot is online with its avatar", async () => {
    await chat.goto(app.discord.sandbox!.url);
    await chat.locator("body[data-ready=true]").waitFor();
    await openChannel(chat, "general");

    await pickCommand(chat, "bobb cr", "bobb create", () => shot(chat, "journey-commands.png"));
    await runPicked(chat, { name: "Chef Bot", persona: "A chef who only cooks Italian and names a dish in every answer." }, () =>
      shot(chat, "journey-command-options.png"),
    );
    const steps = await expectSteps("Chef Bot");
    await shot(chat, "journey-steps.png");

    const token = await makeApplication("Chef Bot", "journey-portal.png");
    await steps.getByRole("button", { name: "Submit token" }).click();
    const online = await submitToken("Chef Bot", token, "journey-modal.png");
    // BoBB switched the intent on and described the app itself: the portal shows what the API set.
    const application = app.discord.sandbox!.control.applications().find((a) => a.name === "Chef Bot")!;
    expect(application.flags & ApplicationFlags.GatewayMessageContentLimited).toBe(ApplicationFlags.GatewayMessageContentLimited);
    expect(application.description).toContain("Italian");
    const botId = await invite("Chef Bot", online);
    await expectAvatar(botId, "Chef Bot");
    await shot(chat, "journey-online.png");
    await expect.poll(() => app.registry.snapshot.agents["chef-bot"], { timeout: 60_000 }).toMatchObject({ status: "active", discord_user_id: botId });

    await send(chat, me, [{ mention: "Chef Bot" }, "what's for dinner?"]);
    const reply = messagesBy(chat, "Chef Bot").filter({ hasText: "what's for dinner?" }).first();
    await reply.waitFor();
    expect(await reply.textContent()).toContain("only cooks Italian");
  }, 180_000);

  it("on a phone: /bobb create without a persona, then /bobb token opens the form; Pirate Bot is online", async () => {
    await chat.setViewportSize(PHONE);
    await pickCommand(chat, "bobb cr", "bobb create", () => shot(chat, "phone-journey-commands.png"));
    await runPicked(chat, { name: "Pirate Bot" });
    const steps = await expectSteps("Pirate Bot");
    expect(await steps.textContent()).toContain("I wrote its persona");
    await steps.scrollIntoViewIfNeeded();
    await shot(chat, "phone-journey-steps.png");

    const token = await makeApplication("Pirate Bot");
    await pickCommand(chat, "bobb to", "bobb token");
    await runPicked(chat, { bot: "pirate bot" });
    const online = await submitToken("Pirate Bot", token, "phone-journey-modal.png");
    const size = await chat.evaluate(() => ({ scroll: document.scrollingElement?.scrollWidth ?? 0, inner: window.innerWidth }));
    expect(size.scroll).toBeLessThanOrEqual(size.inner);
    await chat.setViewportSize(DESKTOP);
    const botId = await invite("Pirate Bot", online);
    await expectAvatar(botId, "Pirate Bot");
  }, 180_000);

  it("a debate in #debate until the governor pauses it; BoBB posts the notice", async () => {
    await openChannel(chat, "debate");
    const asked = await send(chat, me, [{ mention: "Chef Bot" }, { mention: "Pirate Bot" }, "debate pizza vs pasta"]);
    await chat.locator(".message", { hasText: "Bot-to-bot exchange paused" }).waitFor({ timeout: 90_000 });
    const after = await messagesAfter(chat, asked);
    const debate = after.filter((m) => m.bot && m.text.includes("(demo model)"));
    expect(debate.length).toBeGreaterThanOrEqual(GOVERNOR_DEFAULTS.botTurnCap - 1);
    expect(new Set(debate.map((m) => m.author))).toEqual(new Set(["Chef Bot", "Pirate Bot"]));
    expect(after.find((m) => m.text.includes("Bot-to-bot exchange paused"))?.author).toBe("BoBB");
    await chat.locator("#typing").waitFor({ state: "hidden" });
    // Tall enough for the whole exchange, from the person's request down to BoBB's notice.
    await chat.setViewportSize({ width: DESKTOP.width, height: 1400 });
    await chat.locator(".message", { hasText: "Bot-to-bot exchange paused" }).scrollIntoViewIfNeeded();
    await shot(chat, "journey-debate.png");
    await chat.setViewportSize(DESKTOP);
  }, 180_000);

  it("/stop from the picker while they debate: acknowledged by BoBB, and no bot posts after it", async () => {
    // Each bot's answer to the other takes long enough that /stop lands while it is being written.
    const debateReply = demoRules().find((r) => r.name === "demo: debate reply")!;
    model.prependRules({ ...debateReply, name: "slow debate reply", delayMs: 30_000 });
    const from = Date.now();
    await send(chat, me, [{ mention: "Chef Bot" }, { mention: "Pirate Bot" }, "debate tea vs coffee"]);
    await waitFor(() => model.requests.some((r) => r.at >= from && r.rule === "slow debate reply"), 30_000, "a bot answering the other");

    await pickCommand(chat, "sto", "stop");
    await runPicked(chat, {});
    const ack = chat.locator(".message", { hasText: "Stopped: " }).last();
    await ack.waitFor();
    // It names the bots it interrupted (the one writing its answer at that moment).
    const stopped = /^Stopped: (.+)\.$/.exec((await ack.locator(".content").textContent()) ?? "")?.[1]?.split(", ") ?? [];
    expect(stopped.length).toBeGreaterThan(0);
    for (const name of stopped) expect(["Chef Bot", "Pirate Bot"]).toContain(name);
    expect(await ack.getAttribute("class")).not.toContain("ephemeral"); // the channel sees it
    await ack.locator(".interaction-context", { hasText: "used /stop" }).waitFor();
    await waitFor(
      () => model.requests.filter((r) => r.at >= from && r.rule === "slow debate reply").every((r) => r.aborted),
      15_000,
      "the debate replies to be dropped",
    );
    model.setRules([]);
    const ackId = (await ack.getAttribute("data-id"))!;
    // A person talks to a bot again: its answer comes, and nothing from the debate came in between.
    await send(chat, me, [{ mention: "Chef Bot" }, "are you still there?"]);
    await messagesBy(chat, "Chef Bot").filter({ hasText: "are you still there?" }).waitFor();
    const afterStop = await messagesAfter(chat, ackId);
    expect(afterStop.filter((m) => m.bot && !m.text.includes("are you still there?"))).toEqual([]);
    // Typing shows ~10 s after a bot's last typing signal, as on Discord; the stopped bot sends no more.
    await chat.locator("#typing").waitFor({ state: "hidden", timeout: 15_000 });
    await shot(chat, "journey-stop.png");
  }, 120_000);

  it("the tokens pasted into the form reached no log and no model prompt", () => {
    expect(tokens).toHaveLength(2);
    for (const token of tokens) {
      for (const line of logs) expect(line).not.toContain(token);
      for (const r of model.requests) expect(r.raw).not.toContain(token);
    }
  });
});
