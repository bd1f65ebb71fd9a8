import { EventEmitter } from "node:events";
import path from "node:path";
import { readFile } from "node:fs/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { INTAKE_TEXT, intakeMessage, TokenIntake, type ActivationOutcome } from "../../src/agents/index.js";
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
/** Stands in for the reconciler: the test says how each start ends. */
let activations: EventEmitter<{ activation: [ActivationOutcome] }>;
const ref: { intake?: TokenIntake } = {};

function makeIntake(extra: { startWaitMs?: number } = {}) {
  return new TokenIntake({
    registry,
    logger: h.logger,
    apiUrl: `${h.sandbox.url}/api`,
    inviteUrl: (id) => `${h.sandbox.url}/oauth2/authorize?client_id=${id}&scope=bot`,
    notes,
    activations: () => activations,
    ...extra,
  });
}

beforeEach(async () => {
  const dir = await tempDir();
  cleanup = dir.cleanup;
  prompts = [];
  signals = [];
  notes = new NoteBoard();
  activations = new EventEmitter();
  const brain: AgentBrain = {
    prompt: async (_a, _k, text) => (prompts.push(text), { text: "model answer", usedTools: [] }),
    abort: async () => undefined,
  };
  h = await startBotsHarness(brain, { notes, intercept: (bot, message) => ref.intake!.handle(bot.spec.agentId, intakeMessage(message)) });
  registry = new RegistryStore({ file: path.join(dir.dir, "registry.json"), firstPort: 4700, logger: h.logger });
  await registry.open();
  // Storing the token is the activation signal: the registry change the activation watcher acts on.
  registry.on("change", (change) => void (activationReason(change) && signals.push(change.id)));
  ref.intake = makeIntake();
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

/** The start that storing the token triggered ends: after the registry change, as the reconciler's would. */
async function startEnds(agentId: string, outcome: { botUserId: string } | { reason: string }, starts = 1) {
  await waitFor(() => signals.filter((s) => s === agentId).length >= starts || undefined, 10_000, "activation signal");
  activations.emit("activation", "reason" in outcome ? { agentId, ok: false, reason: outcome.reason } : { agentId, ok: true, botUserId: outcome.botUserId });
}

const bobbSaid = (channel: string) =>
  h.sandbox.control
    .listMessages(channel)
    .filter((m) => (m.author as { id: string }).id === bobbUser)
    .map((m) => String(m.content));

describe("token by DM", () => {
  it("validates, stores, signals activation, types meanwhile, then says once that it is online with the invite link; the token goes nowhere else", async () => {
    await pending("Chef Bot", h.humanId);
    const app = h.sandbox.control.createApplication("Chef Bot", { message_content_intent: true });
    const dm = dmWithBobb();
    const typing: string[] = [];
    h.sandbox.control.onEvent((e) => void (e.t === "TYPING_START" && e.d.user_id === bobbUser && typing.push(String(e.d.channel_id))));
    h.sandbox.control.postMessage(dm, h.humanId, `here it is: ${app.token}`);
    await waitFor(() => signals.length > 0 || undefined, 10_000, "activation signal");
    await waitFor(() => typing.includes(dm) || undefined, 10_000, "BoBB typing while the bot starts");
    // Nothing is said until the start has ended.
    expect(bobbSaid(dm)).toEqual([]);
    await startEnds("chef-bot", { botUserId: app.bot_user_id });
    const confirmation = await waitFor(() => bobbSaid(dm)[0], 10_000, "confirmation");
    expect(confirmation).toBe(
      INTAKE_TEXT.activated("Chef Bot", `${h.sandbox.url}/oauth2/authorize?client_id=${app.bot_user_id}&scope=bot`) + `\n${INTAKE_TEXT.dmKeepsToken}`,
    );
    expect(bobbSaid(dm)).toHaveLength(1);
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
    await startEnds("pirate-bot", { botUserId: app.bot_user_id });
    expect(await waitFor(() => bobbSaid(dm)[2], 10_000, "confirmation")).toContain("**Pirate Bot** is online");
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
  it("gets one message with the reason and no 'online' line, and the same token sent again retries it", async () => {
    await pending("Chef Bot", h.humanId);
    const app = h.sandbox.control.createApplication("Chef Bot"); // MESSAGE CONTENT INTENT left off
    const dm = dmWithBobb();
    h.sandbox.control.postMessage(dm, h.humanId, app.token);
    // What the activation watcher tells when the login is refused with close code 4014.
    const reason = "the bot's application has not enabled the MESSAGE CONTENT intent; turn it on under Bot → Privileged Gateway Intents";
    await startEnds("chef-bot", { reason: `bot chef-bot could not log in: ${reason}` });
    expect(await waitFor(() => bobbSaid(dm)[0], 10_000, "failure report")).toBe(`${INTAKE_TEXT.startFailed("Chef Bot", reason)}\n${INTAKE_TEXT.dmKeepsToken}`);
    await registry.update((d) => void (d.agents["chef-bot"] = { ...d.agents["chef-bot"]!, last_error: `bot chef-bot could not log in: ${reason}` }));

    h.sandbox.control.updateApplication(app.application_id, { message_content_intent: true });
    h.sandbox.control.postMessage(dm, h.humanId, app.token);
    await startEnds("chef-bot", { botUserId: app.bot_user_id }, 2);
    expect(await waitFor(() => bobbSaid(dm)[1], 10_000, "confirmation")).toContain("**Chef Bot** is online");
    expect(bobbSaid(dm)).toHaveLength(2);
    expect(signals).toEqual(["chef-bot", "chef-bot"]);
    expect(registry.snapshot.agents["chef-bot"]).toMatchObject({ status: "ready_to_start", last_error: null, token: app.token });
    for (const line of h.logs) expect(line).not.toContain(app.token);
  });

  it("says it did not start when no outcome comes in time, and nothing after that", async () => {
    ref.intake = makeIntake({ startWaitMs: 300 });
    await pending("Chef Bot", h.humanId);
    const app = h.sandbox.control.createApplication("Chef Bot", { message_content_intent: true });
    const dm = dmWithBobb();
    h.sandbox.control.postMessage(dm, h.humanId, app.token);
    expect(await waitFor(() => bobbSaid(dm)[0], 10_000, "time-out report")).toBe(
      `${INTAKE_TEXT.startFailed("Chef Bot", INTAKE_TEXT.startTimeout)}\n${INTAKE_TEXT.dmKeepsToken}`,
    );
    activations.emit("activation", { agentId: "chef-bot", ok: true, botUserId: app.bot_user_id });
    // Settled: a later DM is answered, and the late success said nothing before it.
    h.sandbox.control.postMessage(dm, h.humanId, app.token);
    await waitFor(() => bobbSaid(dm)[1], 10_000, "reply");
    expect(bobbSaid(dm)[1]).toBe(INTAKE_TEXT.inUse("Chef Bot"));
  });

  it("a working bot's token is still refused as in use, and a later failure is not reported", async () => {
    await pending("Chef Bot", h.humanId);
    const app = h.sandbox.control.createApplication("Chef Bot", { message_content_intent: true });
    const dm = dmWithBobb();
    h.sandbox.control.postMessage(dm, h.humanId, app.token);
    await startEnds("chef-bot", { botUserId: app.bot_user_id });
    await waitFor(() => bobbSaid(dm)[0], 10_000, "confirmation");
    await registry.update((d) => void (d.agents["chef-bot"] = { ...d.agents["chef-bot"]!, status: "active" }));
    // A later failure (a reset token, say) is the operator's business, not this DM's.
    activations.emit("activation", { agentId: "chef-bot", ok: false, reason: "bot chef-bot could not log in: Discord rejected the token" });
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
