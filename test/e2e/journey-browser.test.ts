// The demo journey a newcomer makes after `npm start`, through the web pages only, as a person
// would: ask BoBB for a bot, follow the portal steps, DM the token, invite the bot, talk to it,
// make a second bot, watch the two debate under the loop governor, and end a debate with "stop".
// The product runs in-process as `npm start` builds it in sandbox mode (startApp, no Discord
// token, no model configured), so its logs, registry and model requests can be inspected too.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startApp, type App } from "../../src/app.js";
import { loadConfig } from "../../src/config/index.js";
import { createScriptedModel, demoRules, type RecordedRequest, type ScriptedModel } from "../../src/demo-model/index.js";
import { GOVERNOR_DEFAULTS } from "../../src/discord/governor.js";
import { browserAvailability, launchBrowser, screenshotPath, type BrowserSession } from "../helpers/browser.js";
import { messageBox, messagesAfter, messagesBy, openChannel, send as sendAs } from "../helpers/chat-page.js";
import { captureLogs } from "../helpers/logs.js";
import { discPng } from "../helpers/png.js";
import { localEnv } from "../helpers/supervisor.js";
import { tempDir } from "../helpers/temp.js";
import { waitFor } from "../helpers/wait.js";

const CAP = GOVERNOR_DEFAULTS.botTurnCap;
const availability = browserAvailability();

let dir: string;
let cleanup: () => Promise<void>;
let model: ScriptedModel;
let app: App;
let logs: string[];
let browser: BrowserSession;
let context: BrowserContext;
let chat: Page;
let portal: Page | undefined;
let url: string;
const tokens: string[] = [];
const bots: Record<string, string> = {}; // name → Discord user id

beforeAll(async () => {
  if (!availability.path) return;
  ({ dir, cleanup } = await tempDir("bobb-journey-"));
  // The scripted model with its demo behaviour is what `npm start` runs; the test owns it so it can slow one step down.
  model = await createScriptedModel();
  const root = captureLogs("debug");
  logs = root.lines;
  const config = loadConfig(
    {
      ...(await localEnv(dir)),
    },
    dir,
  );
  expect(config).toMatchObject({ discordMode: "sandbox", modelSource: "demo" });
  app = await startApp(config, root, { modelBaseUrl: model.url });
  url = app.discord.sandbox!.url;
  const launched = await launchBrowser({ executablePath: availability.path });
  if (!launched) throw new Error("no browser");
  browser = launched;
  context = browser.context;
  chat = await browser.newPage();
  chat.setDefaultTimeout(30_000);
}, 180_000);

// A failed step says little on its own: show what the channels held and what went wrong inside.
afterEach((context) => {
  if (context.task.result?.state !== "fail" || !app) return;
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

/** Sends a message as the sandbox's person and resolves with its id once the chat shows it. */
const send = (page: Page, parts: Array<string | { mention: string }>) => sendAs(page, app.discord.sandbox!.human!.id, parts);

/** Asks BoBB for a bot in #general, makes it in the portal, DMs the token, follows the invite; returns the bot's user id. */
async function createBot(description: string, name: string): Promise<string> {
  await openChannel(chat, "general");
  const before = await messagesBy(chat, "BoBB").count();
  await send(chat, [{ mention: "BoBB" }, description]);
  const steps = messagesBy(chat, "BoBB").nth(before);
  await steps.filter({ hasText: "Reset Token" }).waitFor();
  const text = (await steps.textContent()) ?? "";
  expect(text).toContain(`I created ${name}`);
  expect(text).toContain("New Application");
  expect(text).toContain("Developer Portal link at the bottom left of the chat");
  expect(text).not.toContain("MESSAGE CONTENT INTENT");
  expect(text).toContain("Submit token");
  expect(text).toMatch(/direct message/);

  // The portal, from the chat's sidebar link (it opens in its own tab).
  if (!portal || portal.isClosed()) {
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
  // No intent step: BoBB switches MESSAGE CONTENT on itself once it has the token.
  await p.getByRole("button", { name: "Reset Token" }).click();
  await p.getByRole("button", { name: "Yes, do it!" }).click();
  const token = ((await p.getByTestId("token").textContent()) ?? "").trim();
  expect(token.split(".")).toHaveLength(3);
  tokens.push(token);
  await p.getByTestId("token-section").getByRole("button", { name: "Copy" }).click();

  // The token goes to BoBB in a direct message, never in a channel.
  await chat.bringToFront();
  await chat.locator(".member", { hasText: "BoBB" }).click();
  await chat.locator(".profile-card .profile-message").click(); // the profile card's "Message @BoBB"
  await chat.locator(".channel-header", { hasText: "BoBB" }).waitFor();
  const confirmations = chat.locator(".message", { hasText: "is online: invite it with" });
  const seen = await confirmations.count();
  await messageBox(chat).fill(token);
  await messageBox(chat).press("Enter");
  const confirmation = confirmations.nth(seen);
  await confirmation.waitFor();
  // One message, once the bot is logged in: "Chef Bot is online: invite it with <link>".
  expect(await confirmation.textContent()).toContain(`${name} is online: invite it with`);
  // The DM keeps the token, so BoBB says how to delete it (and points to the form for next time); the person does.
  await chat.locator(".message", { hasText: "This DM still holds your token" }).first().waitFor();
  const mine = chat.locator(`.message[data-author-id="${app.discord.sandbox!.human!.id}"]`, { hasText: token });
  await mine.hover();
  await mine.getByRole("button", { name: "Delete Message" }).click();
  await chat.getByRole("alertdialog", { name: "Delete Message" }).getByRole("button", { name: "Delete" }).click();
  await mine.waitFor({ state: "detached" });
  const dm = (await chat.locator(".channel.active").getAttribute("data-channel-id")) ?? "";
  const control = app.discord.sandbox!.control;
  expect(JSON.stringify(control.listMessages(dm))).not.toContain(token);
  const invite = confirmation.locator('a[href*="/oauth2/authorize?client_id="]');
  const botId = new URL((await invite.getAttribute("href"))!).searchParams.get("client_id")!;

  // The invite link from BoBB's message, then Authorize.
  const [authorize] = await Promise.all([context.waitForEvent("page"), invite.click()]);
  await authorize.getByRole("heading", { name }).waitFor();
  await authorize.getByRole("button", { name: "Authorize" }).click();
  await authorize.getByText(`${name} was added to BoBB Sandbox.`).waitFor();
  await authorize.close();

  await chat.bringToFront();
  await chat.locator(`.member.online[data-user-id="${botId}"]`, { hasText: name }).waitFor({ timeout: 60_000 });
  bots[name] = botId;
  return botId;
}

/** Requests of the debate turns (first step) and of their completions (after send_message), since `from`. */
function debateRequests(from: number): { started: RecordedRequest[]; done: RecordedRequest[] } {
  const recent = model.requests.filter((r) => r.at >= from);
  return {
    started: recent.filter((r) => r.rule === "demo: debate reply" || r.rule === "demo: debate opener" || r.rule === "slow debate reply"),
    done: recent.filter((r) => r.rule === "demo: child after send" || r.rule === "demo: child after tool" || r.aborted),
  };
}

describe.skipIf(!availability.path)("the demo journey in a browser", () => {
  it("BoBB makes Chef Bot from a chat request, the portal and a DM; it comes online and answers in persona", async () => {
    await chat.goto(url);
    await chat.locator("body[data-ready=true]").waitFor();
    await chat.getByText("Replies come from the offline demo model").waitFor();
    await chat.locator(".channel.active", { hasText: "general" }).waitFor();

    await createBot("create a chef bot that only cooks Italian", "Chef Bot");
    // The bot's login and its OpenCode server start together; "active" is recorded once both are up.
    await expect
      .poll(() => app.registry.snapshot.agents["chef-bot"], { timeout: 60_000 })
      .toMatchObject({ status: "active", discord_user_id: bots["Chef Bot"] });

    await openChannel(chat, "general");
    await send(chat, [{ mention: "Chef Bot" }, "what's for dinner?"]);
    const reply = messagesBy(chat, "Chef Bot").filter({ hasText: "what's for dinner?" }).first();
    await reply.waitFor();
    expect(await reply.textContent()).toContain("only cooks Italian");
    expect(await reply.textContent()).toContain("(demo model)");
    expect(await reply.getAttribute("class")).toContain("reply");
  }, 150_000);

  it("a second bot the same way; mentioned together in #debate they debate until the governor pauses them", async () => {
    await createBot("make a pirate bot that talks like a pirate", "Pirate Bot");
    await openChannel(chat, "debate");
    const from = Date.now();
    const asked = await send(chat, [{ mention: "Chef Bot" }, { mention: "Pirate Bot" }, "debate pizza vs pasta"]);
    const notice = chat.locator(".message", { hasText: "Bot-to-bot exchange paused" });
    await notice.waitFor({ timeout: 90_000 });
    // Settled: every debate turn the governor granted has finished (posted, or given up).
    await waitFor(
      () => {
        const { started, done } = debateRequests(from);
        return started.length > 0 && done.length >= started.length;
      },
      30_000,
      "debate turns to finish",
    );
    const after = await messagesAfter(chat, asked);
    const debate = after.filter((m) => m.bot && m.text.includes("(demo model)"));
    console.log(`demo debate: ${debate.length} bot messages before the governor paused it (cap ${CAP})`);
    // The first bot mentioned opens by tagging the other, who answers in kind: one exchange, bounded by the cap.
    expect(debate.length).toBeGreaterThanOrEqual(CAP - 1);
    expect(debate.length).toBeLessThanOrEqual(CAP);
    expect(new Set(debate.map((m) => m.author))).toEqual(new Set(["Chef Bot", "Pirate Bot"]));
    expect(debate.some((m) => m.text.includes("pizza vs pasta"))).toBe(true);
    expect(after.filter((m) => m.text.includes("Bot-to-bot exchange paused"))).toHaveLength(1);
    expect(after.at(-1)?.text).toContain("Bot-to-bot exchange paused");
    // The system says it, not one of the debaters.
    expect(after.at(-1)?.author).toBe("BoBB");
    await chat.locator("#typing").waitFor({ state: "hidden" });
    // Tall enough to show the whole exchange, from the person's request to the governor's notice.
    await chat.setViewportSize({ width: 1280, height: 1100 });
    await notice.scrollIntoViewIfNeeded();
    await chat.screenshot({ path: screenshotPath("journey-chat.png") });
    await chat.setViewportSize({ width: 1280, height: 800 });
  }, 180_000);

  it("'stop' while the bots are debating: nothing is posted after it", async () => {
    // Each bot's answer to the other takes long enough here that "stop" lands while it is being written.
    const debateReply = demoRules().find((r) => r.name === "demo: debate reply")!;
    model.prependRules({ ...debateReply, name: "slow debate reply", delayMs: 30_000 });
    const from = Date.now();
    const asked = await send(chat, [{ mention: "Chef Bot" }, { mention: "Pirate Bot" }, "debate tea vs coffee"]);
    await waitFor(() => model.requests.some((r) => r.at >= from && r.rule === "slow debate reply"), 30_000, "a bot answering the other");
    await messagesBy(chat, "Pirate Bot").filter({ hasText: "Bring it on" }).last().waitFor();
    const openers = (await messagesAfter(chat, asked)).filter((m) => m.bot);
    expect(openers.map((m) => m.author).sort()).toEqual(["Chef Bot", "Pirate Bot"]);

    const stop = await send(chat, ["stop"]);
    // Acknowledged once, with BoBB's reaction, though three bots saw it.
    await chat.locator(`.message[data-id="${stop}"] .reaction`, { hasText: "🛑 1" }).waitFor();
    await waitFor(
      () => model.requests.filter((r) => r.at >= from && r.rule === "slow debate reply").every((r) => r.aborted),
      15_000,
      "the debate replies to be dropped",
    );
    model.setRules([]);
    // A person talks to a bot again: its answer comes, and nothing from the debate came in between.
    await send(chat, [{ mention: "Chef Bot" }, "are you still there?"]);
    await messagesBy(chat, "Chef Bot").filter({ hasText: "are you still there?" }).waitFor();
    const afterStop = await messagesAfter(chat, stop);
    expect(afterStop.filter((m) => m.bot && !m.text.includes("are you still there?"))).toEqual([]);
    expect(afterStop.some((m) => m.text.includes("tea vs coffee"))).toBe(false);
  }, 120_000);

  it("in a thread made from a message the two bots debate there, bounded by the governor; the channel stays quiet", async () => {
    await openChannel(chat, "general");
    const starter = await send(chat, ["Pizza night planning"]);
    const message = chat.locator(`.message[data-id="${starter}"]`);
    await message.hover();
    await message.getByRole("button", { name: "Create Thread" }).click();
    await chat.getByLabel("Thread Name").fill("Pizza night");
    await chat.getByRole("button", { name: "Submit", exact: true }).click();
    await chat.locator(".channel-title", { hasText: "Pizza night" }).waitFor();
    const general = app.discord.sandbox!.control.channelId("general");
    const inGeneral = app.discord.sandbox!.control.listMessages(general).length;
    const asked = await send(chat, [{ mention: "Chef Bot" }, { mention: "Pirate Bot" }, "debate thin crust vs deep dish"]);
    await chat.locator(".message", { hasText: "Bot-to-bot exchange paused" }).waitFor({ timeout: 90_000 });
    await chat.locator("#typing").waitFor({ state: "hidden" });
    const after = await messagesAfter(chat, asked);
    const debate = after.filter((m) => m.bot && m.text.includes("(demo model)"));
    expect(debate.length).toBeGreaterThanOrEqual(CAP - 1);
    expect(debate.length).toBeLessThanOrEqual(CAP);
    expect(new Set(debate.map((m) => m.author))).toEqual(new Set(["Chef Bot", "Pirate Bot"]));
    // Nothing of the thread's debate landed in #general.
    expect(app.discord.sandbox!.control.listMessages(general)).toHaveLength(inGeneral);
    await chat.setViewportSize({ width: 1280, height: 1000 });
    await chat.locator(`.message[data-id="${asked}"]`).scrollIntoViewIfNeeded();
    await chat.screenshot({ path: screenshotPath("thread-debate.png") });
    await chat.setViewportSize({ width: 1280, height: 800 });
  }, 150_000);

  it("an image posted with a mention reaches the model as an image, and the bot names it", async () => {
    const files = await tempDir("bobb-journey-upload-");
    try {
      const file = join(files.dir, "pizza.png");
      writeFileSync(file, Buffer.from(discPng([230, 120, 40], [255, 250, 240], 160).split(",")[1] ?? "", "base64"));
      await openChannel(chat, "general");
      const from = Date.now();
      const chooser = chat.waitForEvent("filechooser");
      await chat.getByRole("button", { name: "Upload a File" }).click();
      await (await chooser).setFiles(file);
      await chat.locator(".upload", { hasText: "pizza.png" }).locator("img.upload-preview").waitFor();
      await send(chat, [{ mention: "Chef Bot" }, "what do you think of this one?"]);
      await messagesBy(chat, "Chef Bot").filter({ hasText: "I got your image pizza.png" }).waitFor({ timeout: 60_000 });
      const request = model.requests.find((r) => r.at >= from && r.rule === "demo: files");
      expect(request?.view.received?.images).toBe(1);
      expect(request?.raw).toContain('"type":"image_url"');
      await chat.locator("#typing").waitFor({ state: "hidden" });
      await chat.screenshot({ path: screenshotPath("image-answer.png") });
    } finally {
      await files.cleanup();
    }
  }, 90_000);

  it("the tokens shown in the portal reached no log and no model prompt", () => {
    expect(tokens).toHaveLength(2);
    for (const token of tokens) {
      for (const line of logs) expect(line).not.toContain(token);
      for (const r of model.requests) expect(r.raw).not.toContain(token);
    }
  });
});
