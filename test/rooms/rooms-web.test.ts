import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerOf, runCommand, viewInteraction } from "../commands/helpers.js";
import { browserAvailability, launchBrowser, screenshotPath, type BrowserSession } from "../helpers/browser.js";
import { AgentWs, call, parseInviteBlock, type PastedBlock } from "../helpers/rooms.js";
import { startSupervisor, type Supervisor } from "../helpers/supervisor.js";
import { waitFor } from "../helpers/wait.js";

// The rooms in the web chat, in a real browser on the real supervisor and rooms core, with Chef Bot on the
// scripted model: the "Invite an agent" button runs /bobb room invite and shows the ephemeral block with Copy;
// a REST agent (plain fetch) and a WebSocket agent (plain ws) join with the block's values; their messages
// show under their names with the APP tag, the agents in the member list with an AGENT tag; a held post's
// Approve button posts it, and Chef Bot answers the agent that mentioned it, by name.

const availability = browserAvailability();

describe.skipIf(!availability.path)("rooms in the web chat", () => {
  let s: Supervisor;
  let browser: BrowserSession;
  let page: Page;
  let owner = "";
  let chef: { id: string; userId: string };
  let claude: PastedBlock;
  const sockets: AgentWs[] = [];

  beforeAll(async () => {
    s = await startSupervisor({ env: { BOBB_ROOM_POLL_INTERVAL: "100" } });
    owner = s.sandbox.control.guilds()[0]!.members.find((m) => m.username === "sandbox-owner")!.id;
    await waitFor(() => s.sandbox.control.guildCommands(s.sandbox.control.guildId()).length === 2, 30_000, "BoBB's commands");
    chef = await s.addChild("Chef Bot", "A chef who answers questions about food.");
    await answerOf(s, await runCommand(s, owner, "bobb room open"));
    const launched = await launchBrowser({ executablePath: availability.path! });
    if (!launched) throw new Error("no browser");
    browser = launched;
    page = await browser.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${s.sandbox.url}/?user=${owner}#${s.general}`);
    await page.locator("body[data-ready=true]").waitFor();
  }, 120_000);
  afterAll(async () => {
    for (const ws of sockets) ws.close();
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
    // A block longer than one message comes in ephemeral parts; all of them are there once the last rule is.
    await page.locator(".message.ephemeral", { hasText: "6. Never post keys" }).waitFor();
    const parts = await page.locator(".message.ephemeral").allTextContents();
    claude = parseInviteBlock(parts.join("\n"));
    await expect(answer.textContent()).resolves.toContain(`Your key: ${claude.key}`);
    // The examples are code blocks, with the key in them.
    await page
      .locator(".message.ephemeral pre", { hasText: `Bearer ${claude.key}` })
      .first()
      .waitFor();
    // Discord's <t:…:R> shows as a time, relative.
    await expect(answer.locator("time.timestamp-mention").textContent()).resolves.toBe("in 3 days");
    await answer.getByRole("button", { name: "Copy" }).click();
    await waitFor(async () => ((await page.locator(".message.ephemeral").count()) > parts.length ? true : undefined), 15_000, "the Copy answer");
    const copy = page.locator(".message.ephemeral").nth(parts.length);
    await expect(copy.textContent()).resolves.toContain(`Your key: ${claude.key}`);
    await expect(copy.textContent()).resolves.not.toContain("Invite claude");
  });

  it("agents of both transports talk with Chef Bot: APP and AGENT tags, Approve on a held post, Chef Bot answers by name", async () => {
    const intro = await call(`${claude.rest}/messages`, claude.key, "POST", {
      name: "Claude Agent",
      content: "Hello, I am Claude, an outside agent working for sandbox-owner.",
    });
    expect(intro.json.status).toBe("delivered");
    const message = page.locator(".message", { hasText: "Hello, I am Claude" });
    await message.waitFor();
    await expect(message.locator(".author").textContent()).resolves.toBe("Claude Agent");
    await expect(message.locator(".bot-tag").textContent()).resolves.toBe("APP");
    const listed = page.locator(".member.agent", { hasText: "Claude Agent" });
    await listed.waitFor();
    await expect(listed.locator(".agent-tag").textContent()).resolves.toBe("AGENT");
    expect(await listed.getAttribute("class")).toContain("online");

    // An ask-mode invite for a WebSocket agent.
    const id = await runCommand(s, owner, "bobb room invite", { label: "gpt", mode: "ask" });
    const view = await waitFor(
      async () => {
        const v = await viewInteraction(s, id);
        return v.responses.some((r) => r.content.includes("6. Never post keys")) ? v : undefined;
      },
      15_000,
      "the gpt block",
    );
    const gpt = parseInviteBlock(view.responses.map((r) => r.content).join("\n"));
    const ws = new AgentWs(gpt.ws.replace(/\/ws$/, ""));
    sockets.push(ws);
    await ws.opened();
    ws.send({ type: "join", room: gpt.roomId, key: gpt.key, name: "GPT Agent" });
    await ws.next((f) => f.type === "joined", 5000, "joined");
    s.model.prependRules({
      name: "chef answers GPT Agent",
      agent: chef.id,
      user: /cook tonight/,
      reply: "@GPT Agent saffron risotto tonight, and Claude Agent is welcome too.",
    });
    ws.send({ type: "message", content: "Hi, I am GPT Agent. @Chef Bot what do you cook tonight?" });
    await ws.next((f) => f.type === "post" && f.status === "pending", 10_000, "pending");

    const held = page.locator(".message", { hasText: "GPT Agent (outside agent) wants to post" });
    await held.waitFor();
    await expect(held.locator("blockquote.quote").textContent()).resolves.toContain("what do you cook tonight?");
    await held.getByRole("button", { name: "Approve" }).click();
    await page
      .locator(".message", { hasText: "what do you cook tonight?" })
      .filter({ has: page.locator(".author", { hasText: "GPT Agent" }) })
      .waitFor();
    await held.filter({ hasText: "Approved by" }).waitFor();
    const answer = await ws.next((f) => f.type === "message" && f.kind === "bot" && f.from_name === "Chef Bot", 30_000, "Chef Bot's answer");
    expect(answer.content).toContain("@GPT Agent saffron risotto");
    const chefAnswer = page.locator(".message", { hasText: "saffron risotto" });
    await chefAnswer.waitFor();
    // Chef Bot answers the agent's message: the reply line shows it as an app's, as Discord does.
    await expect(chefAnswer.locator(".reply-context .bot-tag").textContent()).resolves.toBe("APP");
    const thanks = await call(`${claude.rest}/messages`, claude.key, "POST", { content: "Thanks Chef Bot, I will bring the wine." });
    expect(thanks.json.status).toBe("delivered");
    await page.locator(".message", { hasText: "bring the wine" }).waitFor();
    await page.locator(".member.agent", { hasText: "GPT Agent" }).waitFor();
    // The picture shows the conversation: the blocks (only the owner's, and secret) are dismissed first.
    while ((await page.locator(".message.ephemeral").count()) > 0)
      await page.locator(".message.ephemeral").first().getByRole("button", { name: "Dismiss message" }).click();
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.locator(".message", { hasText: "bring the wine" }).scrollIntoViewIfNeeded();
    await page.mouse.move(0, 0);
    await page.screenshot({ path: screenshotPath("rooms-web-chat.png") });
  });
});
