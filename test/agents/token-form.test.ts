// The token form on BoBB's real discord.js client against the sandbox, with real token intake
// and a real registry file: the refusals (wrong person, not waiting, removed), the same checks
// as a DM'd token (shape, Discord's answer), and `/bobb token`'s entry point showTokenForm.
import { EventEmitter } from "node:events";
import path from "node:path";
import { Events, type Client, type Interaction } from "discord.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { INTAKE_TEXT, TokenIntake, tokenForms, type ActivationOutcome } from "../../src/agents/index.js";
import { listenForTokenForms, NoteBoard, showTokenForm, tokenButtons, type AgentBrain } from "../../src/discord/index.js";
import { RegistryStore, addAgent } from "../../src/registry/index.js";
import { startBotsHarness, type BotsHarness } from "../helpers/bots.js";
import { tempDir } from "../helpers/temp.js";
import { waitFor } from "../helpers/wait.js";

let h: BotsHarness;
let registry: RegistryStore;
let notes: NoteBoard;
let cleanup: () => Promise<void>;
let bobb: Client;
let detach: () => void;
let prompts: string[];
let activations: EventEmitter<{ activation: [ActivationOutcome] }>;
let autoOnline: boolean;

beforeEach(async () => {
  const dir = await tempDir();
  cleanup = dir.cleanup;
  prompts = [];
  notes = new NoteBoard();
  const brain: AgentBrain = { prompt: async (_a, _k, text) => (prompts.push(text), { text: "model answer", usedTools: [] }), abort: async () => undefined };
  h = await startBotsHarness(brain, { notes });
  registry = new RegistryStore({ file: path.join(dir.dir, "registry.json"), firstPort: 4700, logger: h.logger });
  await registry.open();
  // The reconciler's part, played here: a stored token's start ends online (a test may emit a failure itself).
  activations = new EventEmitter();
  registry.on("change", (c) => {
    if (c.type === "changed" && c.fields.includes("token") && c.agent.token && autoOnline)
      queueMicrotask(() => activations.emit("activation", { agentId: c.id, ok: true, botUserId: c.agent.discord_user_id ?? "" }));
  });
  autoOnline = true;
  const intake = new TokenIntake({
    registry,
    logger: h.logger,
    apiUrl: `${h.sandbox.url}/api`,
    inviteUrl: (id) => `https://invite/${id}`,
    notes,
    activations: () => activations,
  });
  await h.addBot("bobb", "BoBB");
  bobb = h.bots.get("bobb")!.client;
  detach = listenForTokenForms(bobb, tokenForms({ registry, intake, logger: h.logger }).handlers());
});
afterEach(async () => {
  detach();
  await registry.close();
  await h.close();
  await cleanup();
});

const pending = (name: string, createdBy: string) =>
  registry.update((d) => addAgent(d, { name, persona: `${name} persona`, created_by: createdBy }, d.next_port, new Date()));

/** BoBB posts its steps with the buttons (what the supervisor adds to its reply); returns the message id. */
async function stepsFor(ids: string[]): Promise<string> {
  const channel = await bobb.channels.fetch(h.general);
  if (!channel?.isSendable()) throw new Error("general not sendable");
  const agents = ids.map((id) => registry.snapshot.agents[id]!);
  return (await channel.send({ content: "Steps…", components: tokenButtons(agents) })).id;
}

const read = (id: string) =>
  h.sandbox.control.interaction(id) as { modal: { custom_id: string } | null; responses: Array<{ content: string; ephemeral: boolean }> };
/** The interaction's first `n` answers, once each has its text (a deferred one is empty until edited). */
const answers = (id: string, n = 1) =>
  waitFor(
    () => {
      const responses = read(id).responses;
      return responses.length >= n && responses.every((r) => r.content) ? responses : undefined;
    },
    10_000,
    "the answer",
  );

async function openForm(messageId: string, userId: string, agentId: string): Promise<string> {
  const click = h.sandbox.control.clickComponent(messageId, userId, `bobb:token:open:${agentId}`).interaction_id;
  await waitFor(() => read(click).modal, 10_000, "the modal");
  return click;
}

describe("the token form", () => {
  it("a malformed or dead token gets the form's answers (paste it into the form again, never 'send it here'), ephemerally, and nothing is stored", async () => {
    const agent = await pending("Chef Bot", h.humanId);
    const steps = await stepsFor([agent.id]);
    const first = await openForm(steps, h.humanId, agent.id);
    const malformed = h.sandbox.control.submitModal(first, { token: "not-a-token-at-all-but-long-enough" }).interaction_id;
    const said = await answers(malformed);
    expect(said).toMatchObject([{ content: INTAKE_TEXT.viaForm.notForThisServer, ephemeral: true }]);
    // An answer shown in a channel must never invite the person to post the token there.
    expect(said[0]!.content).not.toMatch(/send it to me here|send me/i);

    const app = h.sandbox.control.createApplication("Chef Bot");
    h.sandbox.control.resetToken(app.application_id); // the first token is dead now
    const second = await openForm(steps, h.humanId, agent.id);
    const dead = h.sandbox.control.submitModal(second, { token: app.token }).interaction_id;
    expect(await answers(dead)).toMatchObject([{ content: INTAKE_TEXT.viaForm.rejected, ephemeral: true }]);
    expect(registry.snapshot.agents[agent.id]).toMatchObject({ status: "pending_token", token: null });
    expect(prompts).toEqual([]);
    for (const line of h.logs) expect(line).not.toContain(app.token);
  });

  it("only the creator opens it; a bot not waiting for a token or removed is refused", async () => {
    const agent = await pending("Chef Bot", h.humanId);
    const other = h.sandbox.control.createUser("mallory").id;
    const steps = await stepsFor([agent.id]);
    const refused = h.sandbox.control.clickComponent(steps, other, `bobb:token:open:${agent.id}`).interaction_id;
    expect(await answers(refused)).toMatchObject([{ ephemeral: true, content: expect.stringContaining("Only the person who created **Chef Bot**") }]);
    expect(read(refused).modal).toBeNull();

    // Opened, then the bot is removed before the submit: the submit is checked again.
    const open = await openForm(steps, h.humanId, agent.id);
    await registry.update((d) => void delete d.agents[agent.id]);
    const app = h.sandbox.control.createApplication("Chef Bot", { message_content_intent: true });
    const gone = h.sandbox.control.submitModal(open, { token: app.token }).interaction_id;
    expect(await answers(gone)).toMatchObject([{ content: INTAKE_TEXT.formGone, ephemeral: true }]);
    const gonePress = h.sandbox.control.clickComponent(steps, h.humanId, `bobb:token:open:${agent.id}`).interaction_id;
    expect(await answers(gonePress)).toMatchObject([{ ephemeral: true }]);

    const active = await pending("Pirate Bot", h.humanId);
    await registry.update((d) => void (d.agents[active.id] = { ...d.agents[active.id]!, status: "active", token: app.token }));
    const pirateSteps = await stepsFor([active.id]);
    const notWaiting = h.sandbox.control.clickComponent(pirateSteps, h.humanId, `bobb:token:open:${active.id}`).interaction_id;
    expect(await answers(notWaiting)).toMatchObject([{ content: INTAKE_TEXT.formNotWaiting("Pirate Bot"), ephemeral: true }]);
  });

  it("showTokenForm from a slash command: the token is stored for that agent, the model gets only the notice", async () => {
    const chef = await pending("Chef Bot", h.humanId);
    await pending("Pirate Bot", h.humanId); // two pending: the form still knows which one
    await bobb.application!.commands.set([{ name: "token", description: "Submit a token" }], h.sandbox.control.guildId());
    const onCommand = (i: Interaction) => {
      if (i.isChatInputCommand()) void showTokenForm(i, registry.snapshot.agents[chef.id]!).catch(() => undefined);
    };
    bobb.on(Events.InteractionCreate, onCommand);
    try {
      const command = h.sandbox.control.runCommand({ userId: h.humanId, channelId: h.general, command: "token" }).interaction_id;
      expect(await waitFor(() => read(command).modal, 10_000, "the modal")).toMatchObject({ custom_id: `bobb:token:form:${chef.id}` });
      const app = h.sandbox.control.createApplication("Chef Bot", { message_content_intent: true });
      const submit = h.sandbox.control.submitModal(command, { token: `  ${app.token}\n` }).interaction_id;
      const [answer] = await answers(submit);
      expect(answer).toMatchObject({ ephemeral: true, content: expect.stringContaining("is online: invite it with") });
      expect(answer!.content).not.toContain(app.token);
      expect(registry.snapshot.agents[chef.id]).toMatchObject({ status: "ready_to_start", token: app.token, discord_user_id: app.bot_user_id });
      expect(registry.snapshot.agents["pirate-bot"]!.token).toBeNull();
      // The notice goes to the conversation the form was opened from.
      expect(notes.take("bobb", h.general)).toEqual([INTAKE_TEXT.modelNotice(chef.id)]);
      expect(prompts).toEqual([]);
      for (const line of h.logs) expect(line).not.toContain(app.token);
      expect(JSON.stringify(h.sandbox.control.listMessages(h.general, h.humanId))).not.toContain(app.token);
    } finally {
      bobb.off(Events.InteractionCreate, onCommand);
    }
  });

  it("a failed start after the form is the form's one answer, ephemeral", async () => {
    autoOnline = false;
    const agent = await pending("Chef Bot", h.humanId);
    const steps = await stepsFor([agent.id]);
    const open = await openForm(steps, h.humanId, agent.id);
    const app = h.sandbox.control.createApplication("Chef Bot", { message_content_intent: true });
    const submit = h.sandbox.control.submitModal(open, { token: app.token }).interaction_id;
    await waitFor(() => registry.snapshot.agents[agent.id]?.token === app.token || undefined, 10_000, "the token stored");
    activations.emit("activation", { agentId: agent.id, ok: false, reason: `bot ${agent.id} could not log in: it broke` });
    const answered = await answers(submit);
    expect(answered).toMatchObject([{ ephemeral: true, content: INTAKE_TEXT.viaForm.startFailed("Chef Bot", "it broke") }]);
    expect(answered[0]!.content).toContain("/bobb token bot:Chef Bot");
  });
});
