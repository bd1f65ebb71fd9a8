import path from "node:path";
import { readFile } from "node:fs/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { INTAKE_TEXT, intakeMessage, TokenIntake } from "../../src/agents/index.js";
import { NoteBoard, type AgentBrain } from "../../src/discord/index.js";
import { RegistryStore, activationReason, addAgent } from "../../src/registry/index.js";
import { startBotsHarness, type BotsHarness } from "../helpers/bots.js";
import { tempDir } from "../helpers/temp.js";
import { waitFor } from "../helpers/wait.js";

/** Token intake on the real sandbox: BoBB's discord.js client, real `GET /users/@me` checks, a real registry file. */
let h: BotsHarness;
let registry: RegistryStore;
let cleanup: () => Promise<void>;
let prompts: string[];
let signals: string[];
let notes: NoteBoard;
let bobbUser: string;

beforeEach(async () => {
  const dir = await tempDir();
  cleanup = dir.cleanup;
  prompts = [];
  signals = [];
  notes = new NoteBoard();
  const brain: AgentBrain = {
    prompt: async (_a, _k, text) => (prompts.push(text), { text: "model answer", usedTools: [] }),
    abort: async () => undefined,
  };
  const ref: { intake?: TokenIntake } = {};
  h = await startBotsHarness(brain, { notes, intercept: (bot, message) => ref.intake!.handle(bot.spec.agentId, intakeMessage(message)) });
  registry = new RegistryStore({ file: path.join(dir.dir, "registry.json"), firstPort: 4700, logger: h.logger });
  await registry.open();
  // Storing the token is the activation signal: the registry change the activation watcher acts on.
  registry.on("change", (change) => void (activationReason(change) && signals.push(change.id)));
  ref.intake = new TokenIntake({
    registry,
    logger: h.logger,
    apiUrl: `${h.sandbox.url}/api`,
    inviteUrl: (id) => `${h.sandbox.url}/oauth2/authorize?client_id=${id}&scope=bot`,
    notes,
  });
  bobbUser = (await h.addBot("bobb", "BoBB")).userId;
});
afterEach(async () => {
  await registry.close();
  await h.close();
  await cleanup();
});

async function pending(name: string, createdBy: string) {
  return registry.update((d) => addAgent(d, { name, persona: `${name} persona`, created_by: createdBy }, d.next_port, new Date()));
}

function dmWithBobb() {
  return h.sandbox.control.openDm(h.humanId, bobbUser).channel_id;
}

const bobbSaid = (channel: string) =>
  h.sandbox.control
    .listMessages(channel)
    .filter((m) => (m.author as { id: string }).id === bobbUser)
    .map((m) => String(m.content));

describe("token by DM", () => {
  it("validates, stores, confirms with the bot's tag and invite link, signals activation; the token goes nowhere else", async () => {
    await pending("Chef Bot", h.humanId);
    const app = h.sandbox.control.createApplication("Chef Bot", { message_content_intent: true });
    const dm = dmWithBobb();
    h.sandbox.control.postMessage(dm, h.humanId, `here it is: ${app.token}`);
    const confirmation = await waitFor(() => bobbSaid(dm)[0], 10_000, "confirmation");
    expect(confirmation).toContain("The token works");
    expect(confirmation).toContain(`client_id=${app.bot_user_id}`);
    expect(confirmation).toContain("**Chef Bot**");
    // The DM keeps the token: how to delete it, and the form for next time.
    expect(confirmation).toContain(INTAKE_TEXT.dmKeepsToken);
    const agent = registry.snapshot.agents["chef-bot"]!;
    expect(agent).toMatchObject({ token: app.token, discord_user_id: app.bot_user_id, status: "ready_to_start" });
    expect(signals).toEqual(["chef-bot"]);
    expect(notes.take("bobb", `dm-${h.humanId}`)).toEqual([INTAKE_TEXT.modelNotice("chef-bot")]);
    expect(prompts).toEqual([]);
    // The token is in registry.json and nowhere else this test can see.
    expect(await readFile(registry.file, "utf8")).toContain(app.token);
    for (const line of h.logs) expect(line).not.toContain(app.token);
    for (const text of bobbSaid(dm)) expect(text).not.toContain(app.token);
  });

  it("refuses an invalid token with a clear reply and stores nothing", async () => {
    await pending("Chef Bot", h.humanId);
    const app = h.sandbox.control.createApplication("Chef Bot");
    h.sandbox.control.resetToken(app.application_id); // the first token is now dead
    const dm = dmWithBobb();
    h.sandbox.control.postMessage(dm, h.humanId, app.token);
    expect(await waitFor(() => bobbSaid(dm)[0], 10_000, "reply")).toBe(INTAKE_TEXT.rejected);
    expect(registry.snapshot.agents["chef-bot"]).toMatchObject({ status: "pending_token", token: null });
    expect(signals).toEqual([]);
    expect(prompts).toEqual([]);
  });

  it("asks which bot when two are pending and activates the one named in the answer", async () => {
    await pending("Chef Bot", h.humanId);
    await pending("Pirate Bot", h.humanId);
    await pending("Someone Else", "999");
    const app = h.sandbox.control.createApplication("Pirate", { message_content_intent: true });
    const dm = dmWithBobb();
    h.sandbox.control.postMessage(dm, h.humanId, app.token);
    const question = await waitFor(() => bobbSaid(dm)[0], 10_000, "question");
    expect(question).toBe(INTAKE_TEXT.which(["Chef Bot", "Pirate Bot"]));
    expect(question).not.toContain("Someone Else");
    h.sandbox.control.postMessage(dm, h.humanId, "nonsense");
    expect(await waitFor(() => bobbSaid(dm)[1], 10_000, "again")).toBe(INTAKE_TEXT.whichAgain(["Chef Bot", "Pirate Bot"]));
    h.sandbox.control.postMessage(dm, h.humanId, "pirate bot");
    await waitFor(() => bobbSaid(dm)[2], 10_000, "confirmation");
    expect(registry.snapshot.agents["pirate-bot"]).toMatchObject({ status: "ready_to_start", discord_user_id: app.bot_user_id });
    expect(registry.snapshot.agents["chef-bot"]!.status).toBe("pending_token");
    expect(prompts).toEqual([]);
  });

  it("refuses a token whose bot another agent already uses", async () => {
    await pending("Chef Bot", h.humanId);
    await pending("Chef Two", h.humanId);
    const app = h.sandbox.control.createApplication("Chef", { message_content_intent: true });
    await registry.update(
      (d) => void (d.agents["chef-bot"] = { ...d.agents["chef-bot"]!, token: app.token, status: "active", discord_user_id: app.bot_user_id }),
    );
    const dm = dmWithBobb();
    h.sandbox.control.postMessage(dm, h.humanId, app.token);
    expect(await waitFor(() => bobbSaid(dm)[0], 10_000, "reply")).toBe(INTAKE_TEXT.inUse("Chef Bot"));
    expect(registry.snapshot.agents["chef-two"]!.token).toBeNull();
  });
});

describe("a bot that does not start", () => {
  it("is reported in the DM with the reason, and the same token sent again retries it", async () => {
    await pending("Chef Bot", h.humanId);
    const app = h.sandbox.control.createApplication("Chef Bot"); // MESSAGE CONTENT INTENT left off
    const dm = dmWithBobb();
    h.sandbox.control.postMessage(dm, h.humanId, app.token);
    await waitFor(() => bobbSaid(dm)[0], 10_000, "confirmation");
    // What the activation watcher records when the login is refused with close code 4014.
    const reason = "the bot's application has not enabled the MESSAGE CONTENT intent; turn it on under Bot → Privileged Gateway Intents";
    await registry.update((d) => void (d.agents["chef-bot"] = { ...d.agents["chef-bot"]!, last_error: `bot chef-bot could not log in: ${reason}` }));
    expect(await waitFor(() => bobbSaid(dm)[1], 10_000, "failure report")).toBe(INTAKE_TEXT.startFailed("Chef Bot", reason));

    h.sandbox.control.updateApplication(app.application_id, { message_content_intent: true });
    h.sandbox.control.postMessage(dm, h.humanId, app.token);
    expect(await waitFor(() => bobbSaid(dm)[2], 10_000, "second confirmation")).toContain("The token works");
    expect(signals).toEqual(["chef-bot", "chef-bot"]);
    expect(registry.snapshot.agents["chef-bot"]).toMatchObject({ status: "ready_to_start", last_error: null, token: app.token });
    for (const line of h.logs) expect(line).not.toContain(app.token);
  });

  it("a working bot's token is still refused as in use, and nothing is reported once the bot is active", async () => {
    await pending("Chef Bot", h.humanId);
    const app = h.sandbox.control.createApplication("Chef Bot", { message_content_intent: true });
    const dm = dmWithBobb();
    h.sandbox.control.postMessage(dm, h.humanId, app.token);
    await waitFor(() => bobbSaid(dm)[0], 10_000, "confirmation");
    await registry.update((d) => void (d.agents["chef-bot"] = { ...d.agents["chef-bot"]!, status: "active" }));
    // A later failure (a reset token, say) is the operator's business, not this DM's.
    await registry.update(
      (d) => void (d.agents["chef-bot"] = { ...d.agents["chef-bot"]!, last_error: "bot chef-bot could not log in: Discord rejected the token" }),
    );
    await registry.update((d) => void (d.agents["chef-bot"] = { ...d.agents["chef-bot"]!, last_error: null }));
    h.sandbox.control.postMessage(dm, h.humanId, app.token);
    expect(await waitFor(() => bobbSaid(dm)[1], 10_000, "reply")).toBe(INTAKE_TEXT.inUse("Chef Bot"));
    expect(bobbSaid(dm)).toHaveLength(2);
  });
});

describe("token in a channel", () => {
  it("is deleted, the author is warned to reset it, nothing is stored and no model sees it", async () => {
    await pending("Chef Bot", h.humanId);
    const app = h.sandbox.control.createApplication("Chef Bot", { message_content_intent: true });
    const posted = h.sandbox.control.postMessage(h.general, h.humanId, `<@${bobbUser}> my token ${app.token}`);
    const warning = await waitFor(() => bobbSaid(h.general)[0], 10_000, "warning");
    expect(warning).toBe(INTAKE_TEXT.exposed(h.humanId, true));
    expect(h.sandbox.control.listMessages(h.general).some((m) => m.id === posted.id)).toBe(false);
    expect(registry.snapshot.agents["chef-bot"]!.token).toBeNull();
    expect(prompts).toEqual([]);
    for (const line of h.logs) expect(line).not.toContain(app.token);
  });

  it("says so when it cannot delete the message", async () => {
    h.sandbox.control.setManageMessages(h.sandbox.control.guildId(), bobbUser, false);
    const app = h.sandbox.control.createApplication("Chef Bot");
    const posted = h.sandbox.control.postMessage(h.general, h.humanId, app.token);
    expect(await waitFor(() => bobbSaid(h.general)[0], 10_000, "warning")).toBe(INTAKE_TEXT.exposed(h.humanId, false));
    expect(h.sandbox.control.listMessages(h.general).some((m) => m.id === posted.id)).toBe(true);
  });
});
