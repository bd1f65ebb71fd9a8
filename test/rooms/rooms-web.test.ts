import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ask } from "../commands/helpers.js";
import { browserAvailability, launchBrowser, screenshotPath, type BrowserSession } from "../helpers/browser.js";
import { FakeRoomsPort } from "../helpers/rooms-port.js";
import { startSupervisor, type Supervisor } from "../helpers/supervisor.js";
import { waitFor } from "../helpers/wait.js";

// The rooms in the web chat, in a real browser on the real supervisor (with an in-memory rooms core): the
// "Invite an agent" button runs /bobb room invite and shows the ephemeral block with Copy; an outside agent's
// message shows under its name with the APP tag, the agent in the member list with an AGENT tag; a held
// post's Approve button posts it.

const availability = browserAvailability();

describe.skipIf(!availability.path)("rooms in the web chat", () => {
  let s: Supervisor;
  let browser: BrowserSession;
  let page: Page;
  let owner = "";
  const port = new FakeRoomsPort();

  beforeAll(async () => {
    s = await startSupervisor({ rooms: port });
    owner = s.sandbox.control.guilds()[0]!.members.find((m) => m.username === "sandbox-owner")!.id;
    await waitFor(() => s.sandbox.control.guildCommands(s.sandbox.control.guildId()).length === 2, 30_000, "BoBB's commands");
    await ask(s, owner, "bobb room open");
    const launched = await launchBrowser({ executablePath: availability.path! });
    if (!launched) throw new Error("no browser");
    browser = launched;
    page = await browser.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${s.sandbox.url}/?user=${owner}#${s.general}`);
    await page.locator("body[data-ready=true]").waitFor();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it("Invite an agent runs /bobb room invite and shows the block only to me, with Copy", async () => {
    await page.getByRole("button", { name: "Invite an agent" }).click();
    await page.locator(".command-chip", { hasText: "/bobb room invite" }).waitFor();
    await page.locator("#command-option-label").fill("claude");
    await page.locator("#command-option-mode").selectOption("auto");
    await page.locator("#command-panel").getByRole("button", { name: "Send" }).click();
    const answer = page.locator(".message.ephemeral", { hasText: "Invite claude" });
    await answer.waitFor();
    await expect(answer.locator("pre").first().textContent()).resolves.toContain("Your key: ak_fake");
    // Discord's <t:…:R> shows as a time, relative.
    await expect(answer.locator("time.timestamp-mention").textContent()).resolves.toBe("in 3 days");
    await answer.getByRole("button", { name: "Copy" }).click();
    await waitFor(async () => ((await page.locator(".message.ephemeral").count()) >= 2 ? true : undefined), 15_000, "the Copy answer");
    const copy = page.locator(".message.ephemeral").last();
    await expect(copy.textContent()).resolves.toContain("Your key: ak_fake");
    await expect(copy.textContent()).resolves.not.toContain("Invite claude");
  });

  it("an outside agent's message has the APP tag and the agent is listed with an AGENT tag; a held post is approved with its button", async () => {
    const room = port.roomOfChannel(s.general)!;
    const claude = port.join(room.id, "claude", "Claude Agent");
    port.say(claude.id, "Hello, I am Claude, an outside agent.");
    const message = page.locator(".message", { hasText: "Hello, I am Claude" });
    await message.waitFor();
    await expect(message.locator(".author").textContent()).resolves.toBe("Claude Agent");
    await expect(message.locator(".bot-tag").textContent()).resolves.toBe("APP");
    const listed = page.locator(".member.agent", { hasText: "Claude Agent" });
    await listed.waitFor();
    await expect(listed.locator(".agent-tag").textContent()).resolves.toBe("AGENT");
    expect(await listed.getAttribute("class")).toContain("online");

    await ask(s, owner, "bobb room invite", { label: "gpt", mode: "ask" });
    const gpt = port.join(room.id, "gpt", "GPT Agent", "ws");
    port.say(gpt.id, "May I join the conversation?");
    const held = page.locator(".message", { hasText: "GPT Agent (outside agent) wants to post" });
    await held.waitFor();
    await expect(held.locator("blockquote.quote").textContent()).resolves.toBe("May I join the conversation?");
    await held.getByRole("button", { name: "Approve" }).click();
    await page
      .locator(".message", { hasText: "May I join the conversation?" })
      .filter({ has: page.locator(".author", { hasText: "GPT Agent" }) })
      .waitFor();
    await held.filter({ hasText: "Approved by" }).waitFor();
    await page.screenshot({ path: screenshotPath("rooms-web-chat.png") });
  });
});
