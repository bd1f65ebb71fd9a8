import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  Events,
  LabelBuilder,
  MessageFlags,
  ModalBuilder,
  TextInputBuilder,
  TextInputStyle,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  type ModalSubmitInteraction,
} from "discord.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { controlCall, startSandbox, type SandboxHarness, type StartedBot } from "../helpers/sandbox.js";

// The token form's round trip: a command (or a button) opens a modal with showModal(), the
// control API reads it and submits it as the person, the app gets a ModalSubmitInteraction.

let h: SandboxHarness;
let bot: StartedBot;
let general: string;
let alice: string;
beforeAll(async () => {
  h = await startSandbox();
  general = h.sandbox.control.channelId("general");
  alice = h.sandbox.control.createUser("alice").id;
  bot = await h.startBot("Former");
  await bot.client.application!.commands.set([{ name: "token", description: "Submit a token" }], h.sandbox.control.guildId());
});
afterAll(() => h.stop());
const listeners: ((interaction: Interaction) => void)[] = [];
afterEach(() => {
  for (const l of listeners.splice(0)) bot.client.off(Events.InteractionCreate, l);
});

/** Resolves with the first interaction `pick` accepts after `handle` answered it. */
function next<T extends Interaction>(pick: (i: Interaction) => i is T, handle: (i: T) => Promise<unknown>): Promise<T> {
  return new Promise((resolve, reject) => {
    const l = (i: Interaction) => {
      if (!pick(i)) return;
      bot.client.off(Events.InteractionCreate, l);
      handle(i).then(() => resolve(i), reject);
    };
    listeners.push(l);
    bot.client.on(Events.InteractionCreate, l);
  });
}
const isCommand = (i: Interaction): i is ChatInputCommandInteraction => i.isChatInputCommand();
const isModal = (i: Interaction): i is ModalSubmitInteraction => i.isModalSubmit();
const isButton = (i: Interaction): i is ButtonInteraction => i.isButton();

function tokenModal(): ModalBuilder {
  const input = new TextInputBuilder().setCustomId("token").setStyle(TextInputStyle.Short).setMinLength(10).setMaxLength(100).setRequired(true);
  const note = new TextInputBuilder().setCustomId("note").setLabel("Note").setStyle(TextInputStyle.Paragraph).setRequired(false);
  return new ModalBuilder()
    .setCustomId("token-form:chef")
    .setTitle("Chef's token")
    .addLabelComponents(new LabelBuilder().setLabel("Bot token").setTextInputComponent(input))
    .addComponents(new ActionRowBuilder<TextInputBuilder>().addComponents(note));
}

describe("sandbox modals", () => {
  it("showModal opens a modal the control API reads; submitting it delivers a ModalSubmitInteraction", async () => {
    const opened = next(isCommand, (i) => i.showModal(tokenModal()));
    const run = await controlCall(h.sandbox, "POST", "/control/interactions", { user_id: alice, channel_id: general, command: "token" });
    expect(run.status).toBe(201);
    const commandId = (run.json as { interaction_id: string }).interaction_id;
    await opened;
    const read = (await controlCall(h.sandbox, "GET", `/control/interactions/${commandId}`)).json as {
      modal: Record<string, unknown>;
      acknowledged: number;
      responses: unknown[];
    };
    expect(read.acknowledged).toBe(9);
    expect(read.responses).toEqual([]);
    expect(read.modal).toMatchObject({ custom_id: "token-form:chef", title: "Chef's token" });
    expect(read.modal["components"]).toMatchObject([
      { type: 18, label: "Bot token", component: { type: 4, custom_id: "token", style: 1, min_length: 10, max_length: 100, required: true } },
      { type: 1, components: [{ type: 4, custom_id: "note", label: "Note", style: 2, required: false }] },
    ]);

    const submit = (values: Record<string, string>) => controlCall(h.sandbox, "POST", `/control/interactions/${commandId}/modal`, { values });
    expect(await submit({ token: "short" })).toMatchObject({ status: 400, json: { error: { code: "invalid_value" } } });
    expect(await submit({ note: "hi" })).toMatchObject({ status: 400, json: { error: { code: "missing_value", message: expect.stringContaining("token") } } });
    expect(await submit({ token: "a-long-enough-token", other: "x" })).toMatchObject({ status: 400, json: { error: { code: "unknown_custom_id" } } });

    const secret = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GabcDE.some-secret-value";
    const submitted = next(isModal, (i) => i.reply({ content: "Token received; starting Chef.", flags: MessageFlags.Ephemeral }));
    const sent = await submit({ token: secret });
    expect(sent.status).toBe(201);
    const modal = await submitted;
    expect(modal.customId).toBe("token-form:chef");
    expect(modal.fields.getTextInputValue("token")).toBe(secret);
    expect(modal.fields.getTextInputValue("note")).toBe("");
    expect(modal.user.id).toBe(alice);
    expect(modal.id).toBe((sent.json as { interaction_id: string }).interaction_id);
    const after = h.sandbox.control.interaction(modal.id) as { responses: Record<string, unknown>[] };
    expect(after.responses).toMatchObject([{ content: "Token received; starting Chef.", ephemeral: true }]);
    // The modal is closed once submitted, and no message anywhere holds the value.
    expect(await submit({ token: secret })).toMatchObject({ status: 409, json: { error: { code: "no_open_modal" } } });
    expect(JSON.stringify(h.sandbox.control.listMessages(general, alice))).not.toContain(secret);
  });

  it("a button opens a modal; the submission carries the message; update() edits it", async () => {
    const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
      new ButtonBuilder().setCustomId("open").setLabel("Submit token").setStyle(ButtonStyle.Primary),
    );
    const replied = next(isCommand, (i) => i.reply({ content: "Step 3: submit the token", components: [row] }));
    const commandId = h.sandbox.control.runCommand({ userId: alice, channelId: general, command: "token" }).interaction_id;
    await replied;
    const messageId = String((h.sandbox.control.interaction(commandId) as { responses: Record<string, unknown>[] }).responses[0]!["id"]);
    const opened = next(isButton, (i) => i.showModal(tokenModal()));
    const clickId = h.sandbox.control.clickComponent(messageId, alice, "open").interaction_id;
    await opened;
    const submitted = next(isModal, (i) =>
      i.isFromMessage() ? i.update({ content: "Token received.", components: [] }) : Promise.reject(new Error("no message")),
    );
    h.sandbox.control.submitModal(clickId, { token: "another-long-token" });
    const modal = await submitted;
    expect(modal.message?.id).toBe(messageId);
    expect(h.sandbox.control.listMessages(general).find((m) => m["id"] === messageId)).toMatchObject({ content: "Token received.", components: [] });
  });

  it("a modal answer to a modal submit is refused (50035), and an invalid modal too", async () => {
    const errors: unknown[] = [];
    const opened = next(isCommand, (i) => i.showModal(tokenModal()));
    const commandId = h.sandbox.control.runCommand({ userId: alice, channelId: general, command: "token" }).interaction_id;
    await opened;
    // discord.js has no showModal on a modal submit (Discord refuses it); ask the REST API directly.
    const modalCallback = (i: Interaction, data: unknown) =>
      i.client.rest.post(`/interactions/${i.id}/${i.token}/callback`, { body: { type: 9, data }, auth: false }).catch((e: unknown) => errors.push(e));
    const submitted = next(isModal, (i) => modalCallback(i, tokenModal().toJSON()));
    h.sandbox.control.submitModal(commandId, { token: "yet-another-token" });
    await submitted;
    expect(errors[0]).toMatchObject({ status: 400, code: 50035 });

    const invalid = next(isCommand, (i) => modalCallback(i, { custom_id: "m", title: "t".repeat(46), components: [] }));
    h.sandbox.control.runCommand({ userId: alice, channelId: general, command: "token" });
    await invalid;
    expect(errors[1]).toMatchObject({ status: 400, code: 50035 });
  });
});
