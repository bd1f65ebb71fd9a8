import { readdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INTAKE_TEXT, writeSignal } from "../../src/agents/index.js";
import { startSupervisor, testMode, type Supervisor } from "../helpers/supervisor.js";
import { filesHolding } from "../helpers/temp.js";
import { waitFor } from "../helpers/wait.js";

/** The agent lifecycle end to end: create by chat, token by DM, activation, restore, operator edits. */
let s: Supervisor;
beforeAll(async () => {
  s = await startSupervisor();
}, 180_000);
afterAll(async () => {
  await s?.close();
});

const bobbLines = (channel: string) =>
  s
    .messages(channel)
    .filter((m) => m.author.id === s.bobbUserId)
    .map((m) => m.content);

let chef: { id: string; userId: string; applicationId: string; token: string };

describe("the whole journey", () => {
  it("create by chat, token by DM, bot online, it answers in persona; the token is found only in registry.json", async () => {
    const ask = s.sandbox.control.postMessage(s.general, s.humanId, `<@${s.bobbUserId}> create a chef bot that only cooks Italian`);
    const guidance = await waitFor(() => bobbLines(s.general).find((t) => t.includes("Reset Token")), 60_000, "BoBB's portal steps");
    expect(guidance).toMatch(/New Application/);
    expect(guidance).not.toMatch(/MESSAGE CONTENT INTENT/);
    expect(guidance).toMatch(/Submit token/);
    expect(guidance).toMatch(/direct message/);
    const agent = Object.values(s.app.registry.snapshot.agents)[0]!;
    expect(agent).toMatchObject({ id: "chef-bot", status: "pending_token", created_by: s.humanId });
    expect(await readFile(path.join(s.dir, "agents", "chef-bot", "AGENTS.md"), "utf8")).toContain("only cooks Italian");

    // The person follows the portal steps over the sandbox's HTTP portal, as the web page does.
    const portal = async (route: string, body: unknown, method = "POST") => {
      const res = await fetch(`${s.sandbox.url}${route}`, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      return res.status === 204 ? undefined : ((await res.json()) as Record<string, string>);
    };
    const app = (await portal("/portal/applications", { name: "Chef Bot" }))!;
    await portal(`/portal/applications/${app.application_id}`, { message_content_intent: true }, "PATCH");
    const token = String((await portal(`/portal/applications/${app.application_id}/reset-token`, {}))!.token);
    const dm = s.sandbox.control.openDm(s.humanId, s.bobbUserId).channel_id;
    const tokenMessage = s.sandbox.control.postMessage(dm, s.humanId, token);
    const confirmation = await waitFor(() => bobbLines(dm)[0], 90_000, "confirmation");
    // One message, sent once the bot is logged in and its OpenCode server is ready.
    expect(confirmation).toContain("**Chef Bot** is online: invite it with ");
    expect(confirmation).toContain(`client_id=${app.bot_user_id}`);
    expect(s.sandbox.control.isOnline(String(app.bot_user_id))).toBe(true);
    await portal(`/portal/guilds/${s.sandbox.control.guildId()}/bots`, { application_id: app.application_id });
    await waitFor(
      () => s.sandbox.control.isOnline(String(app.bot_user_id)) && s.app.registry.snapshot.agents["chef-bot"]?.status === "active",
      60_000,
      "chef online",
    );
    // One message for the start: no "starting" line before it, nothing after it.
    expect(bobbLines(dm)).toEqual([confirmation]);

    s.sandbox.control.postMessage(s.general, s.humanId, `<@${app.bot_user_id}> what's for dinner?`);
    const reply = await waitFor(() => s.messages(s.general).find((m) => m.author.id === app.bot_user_id), 30_000, "chef's reply");
    expect(reply.content).toContain("only cooks Italian");
    chef = { id: "chef-bot", userId: app.bot_user_id!, applicationId: app.application_id!, token };

    // BoBB's model is told only that a token arrived, the next time the person talks to it.
    s.sandbox.control.postMessage(dm, s.humanId, "thanks! what now?");
    await waitFor(() => bobbLines(dm).length >= 2, 30_000, "BoBB's next DM reply");
    expect(s.model.requests.some((r) => r.raw.includes(INTAKE_TEXT.modelNotice("chef-bot").slice(1, 30)))).toBe(true);

    // Canary: the token is in registry.json and nowhere else.
    const responses = await Promise.all(
      ["/api/registry/agents", "/api/registry/agents/chef-bot", "/api/registry/agents/search?q=chef", "/api/health"].map((u) => s.api("GET", u)),
    );
    for (const r of responses) expect(r.body).not.toContain(token);
    for (const line of s.logs) expect(line).not.toContain(token);
    for (const r of s.model.requests) expect(r.raw).not.toContain(token);
    for (const channel of [s.general, dm, s.sandbox.control.channelId("debate")]) {
      for (const m of s.messages(channel)) if (m.id !== tokenMessage.id) expect(m.content).not.toContain(token);
    }
    const holders = await filesHolding(s.dir, token);
    expect(holders).toEqual(["registry.json"]);
    expect((await stat(path.join(s.dir, "registry.json"))).mode & 0o777).toBe(0o600);
    expect(ask.id).toBeTruthy();
  }, 240_000);

  it("a token posted in a channel is deleted, the author warned, nothing stored, the model never sees it", async () => {
    const app = s.sandbox.control.createApplication("Leaky Bot");
    const leak = s.sandbox.control.postMessage(s.general, s.humanId, `<@${s.bobbUserId}> here: ${app.token}`);
    await waitFor(() => bobbLines(s.general).find((t) => t === INTAKE_TEXT.exposed(s.humanId, true)), 30_000, "warning");
    expect(s.messages(s.general).some((m) => m.id === leak.id)).toBe(false);
    expect(JSON.stringify(s.app.registry.snapshot)).not.toContain(app.token);
    for (const r of s.model.requests) expect(r.raw).not.toContain(app.token);
  });

  it("an invalid token DM gets a clear reply and stores nothing", async () => {
    await s.api("POST", "/api/registry/agents", { name: "Pending Bot", persona: "waits", created_by: s.humanId });
    const app = s.sandbox.control.createApplication("Dead Bot");
    s.sandbox.control.resetToken(app.application_id);
    const dm = s.sandbox.control.openDm(s.humanId, s.bobbUserId).channel_id;
    const before = bobbLines(dm).length;
    s.sandbox.control.postMessage(dm, s.humanId, app.token);
    expect(await waitFor(() => bobbLines(dm)[before], 30_000, "reply")).toBe(INTAKE_TEXT.rejected);
    expect(s.app.registry.snapshot.agents["pending-bot"]).toMatchObject({ status: "pending_token", token: null });
    for (const r of s.model.requests) expect(r.raw).not.toContain(app.token);
  });
});

describe("activation watcher", () => {
  it("two activation signals at once start one client and one server", async () => {
    const servers = () => s.app.runtime.diagnostics.stats().filter((st) => st.agents.includes(chef.id)).length;
    expect(servers()).toBe(1);
    const connections = s.sandbox.control.gatewayStats().connections;
    const signals = path.join(s.dir, "data", "signals");
    await Promise.all([writeSignal(signals, chef.id, "test one"), writeSignal(signals, chef.id, "test two"), s.app.reconciler.signal(chef.id, "direct")]);
    await waitFor(async () => (await readdir(signals)).length === 0, 10_000, "signals consumed");
    await s.app.reconciler.reconcile(chef.id);
    expect(servers()).toBe(1);
    expect(s.app.bots.list().filter((b) => b.spec.agentId === chef.id)).toHaveLength(1);
    expect(s.sandbox.control.gatewayStats().connections).toBe(connections);
  });
});

describe("operator edits to registry.json", () => {
  const edit = async (fn: (reg: { agents: Record<string, Record<string, unknown>> }) => void) => {
    const file = path.join(s.dir, "registry.json");
    const reg = JSON.parse(await readFile(file, "utf8")) as { agents: Record<string, Record<string, unknown>> };
    fn(reg);
    await writeFile(file, JSON.stringify(reg, null, 2));
  };

  it("disabled stops the bot, ready_to_start brings it back, broken JSON changes nothing and is reported", async () => {
    await edit((r) => void (r.agents["chef-bot"]!.status = "disabled"));
    await waitFor(() => !s.sandbox.control.isOnline(chef.userId) && !s.app.bots.get(chef.id), 30_000, "chef offline");
    await edit((r) => void (r.agents["chef-bot"]!.status = "ready_to_start"));
    await waitFor(() => s.sandbox.control.isOnline(chef.userId) && s.app.registry.snapshot.agents["chef-bot"]?.status === "active", 60_000, "chef back");

    const file = path.join(s.dir, "registry.json");
    const broken = (await readFile(file, "utf8")).replace('"status": "active"', '"status": active');
    await writeFile(file, broken);
    await waitFor(() => s.logs.some((l) => l.includes("registry edit rejected") && l.includes("line")), 10_000, "error reported");
    const health = await s.api("GET", "/api/health");
    expect(JSON.parse(health.body)).toMatchObject({ registry: "invalid" });
    s.sandbox.control.postMessage(s.general, s.humanId, `<@${chef.userId}> still cooking?`);
    await waitFor(() => s.messages(s.general).find((m) => m.author.id === chef.userId && m.content.includes("still cooking")), 30_000, "chef still answers");
    expect(await readFile(file, "utf8")).toBe(broken);
    await writeFile(file, broken.replace('"status": active', '"status": "active"'));
    await waitFor(() => s.app.registry.health.ok, 10_000, "registry valid again");
  }, 180_000);
});

describe("more operator edits", () => {
  const file = () => path.join(s.dir, "registry.json");
  const edit = async (fn: (reg: { agents: Record<string, Record<string, unknown>> }) => void) => {
    const reg = JSON.parse(await readFile(file(), "utf8")) as { agents: Record<string, Record<string, unknown>> };
    fn(reg);
    await writeFile(file(), JSON.stringify(reg, null, 2));
  };

  it("a changed persona regenerates AGENTS.md and is used from the next conversation; a hand-edited AGENTS.md is left alone", async () => {
    const md = path.join(s.dir, "agents", "chef-bot", "AGENTS.md");
    await edit((r) => void (r.agents["chef-bot"]!.persona = "Now only bakes French bread."));
    await waitFor(async () => (await readFile(md, "utf8")).includes("Now only bakes French bread."), 10_000, "AGENTS.md regenerated");
    s.sandbox.control.postMessage(s.general, s.humanId, `<@${chef.userId}> what do you make now?`);
    await waitFor(() => s.messages(s.general).find((m) => m.author.id === chef.userId && m.content.includes("French bread")), 30_000, "new persona in use");

    const handEdited = (await readFile(md, "utf8")) + "\nAlways end with a pun.\n";
    await writeFile(md, handEdited);
    await edit((r) => void (r.agents["chef-bot"]!.persona = "Back to Italian."));
    await waitFor(() => s.app.registry.snapshot.agents["chef-bot"]?.persona === "Back to Italian.", 10_000, "edit applied");
    await waitFor(() => s.logs.some((l) => l.includes("edited by hand; not regenerating")), 10_000, "hand edit noticed");
    expect(await readFile(md, "utf8")).toBe(handEdited);
  }, 120_000);

  it("a changed token restarts the bot; a removed agent is stopped", async () => {
    const fresh = s.sandbox.control.resetToken(chef.applicationId).token;
    await waitFor(() => s.app.registry.snapshot.agents["chef-bot"]?.last_error, 30_000, "old token rejected");
    await edit((r) => void (r.agents["chef-bot"]!.token = fresh));
    await waitFor(() => s.sandbox.control.isOnline(chef.userId) && !s.app.registry.snapshot.agents["chef-bot"]?.last_error, 60_000, "back with the new token");
    chef.token = fresh;

    const other = await s.addChild("Gone Bot", "Will be removed.");
    s.sandbox.control.postMessage(s.general, s.humanId, `<@${other.userId}> last words?`);
    await waitFor(() => s.messages(s.general).find((m) => m.author.id === other.userId), 30_000, "gone bot answers once");
    await edit((r) => void delete r.agents[other.id]);
    // A hand edit removes like the API: sessions forgotten, folder kept under agents/.removed/.
    const removedDir = path.join(s.dir, "agents", ".removed");
    await waitFor(async () => (await readdir(removedDir).catch(() => [] as string[])).some((d) => d.startsWith(`${other.id}-`)), 30_000, "folder kept aside");
    expect(await readFile(path.join(s.dir, "data", "opencode", `sessions-${testMode()}.json`), "utf8")).not.toContain(`"${other.id}"`);
    await waitFor(() => !s.sandbox.control.isOnline(other.userId) && !s.app.bots.get(other.id), 30_000, "removed agent stopped");
    expect(s.app.runtime.diagnostics.stats().some((st) => st.agents.includes(other.id))).toBe(false);
  }, 180_000);
});

describe("restart", () => {
  it("every active bot comes back and answers, continuing its earlier session", async () => {
    s.model.setRules([{ agent: "chef-bot", user: /remember\?*$/i, reply: (v) => `I remember ${v.lastUser.length > 0 ? "everything" : "nothing"}.` }]);
    s.sandbox.control.postMessage(s.general, s.humanId, `<@${chef.userId}> first words before the restart`);
    await waitFor(() => s.messages(s.general).find((m) => m.author.id === chef.userId && m.content.includes("first words")), 30_000, "answer before restart");
    const sessionsFile = path.join(s.dir, "data", "opencode", `sessions-${testMode()}.json`);
    const sessionsBefore = JSON.parse(await readFile(sessionsFile, "utf8")) as { sessions: Record<string, Record<string, string>> };
    await s.stopApp();
    await waitFor(() => !s.sandbox.control.isOnline(chef.userId), 10_000, "chef offline");
    await s.restartApp();
    await waitFor(() => s.sandbox.control.isOnline(chef.userId) && s.sandbox.control.isOnline(s.bobbUserId), 60_000, "bots back");
    s.sandbox.control.postMessage(s.general, s.humanId, `<@${chef.userId}> do you remember?`);
    await waitFor(
      () => s.messages(s.general).find((m) => m.author.id === chef.userId && m.content === "I remember everything."),
      60_000,
      "answer after restart",
    );
    const sessionsAfter = JSON.parse(await readFile(sessionsFile, "utf8")) as { sessions: Record<string, Record<string, string>> };
    expect(sessionsAfter.sessions["chef-bot"]?.[s.general]).toBe(sessionsBefore.sessions["chef-bot"]?.[s.general]);
    const last = s.model.requests.filter((r) => r.agent === "chef-bot").at(-1)!;
    // The continued session carries the earlier turns: the request holds more than one user message.
    expect((last.raw.match(/"role":"user"/g) ?? []).length).toBeGreaterThan(1);
    s.model.setRules([]);
  }, 180_000);
});
