import { setTimeout as delay } from "node:timers/promises";
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  DiscordAPIError,
  Events,
  MessageFlags,
  PermissionFlagsBits,
  Routes,
  SlashCommandBuilder,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  type TextChannel,
} from "discord.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { controlCall, rejectionOf, startSandbox, waitForClientEvent, type SandboxHarness, type StartedBot } from "../helpers/sandbox.js";

// Slash commands and buttons end to end: the control API plays the person, a real discord.js
// client answers with its own interaction classes, and the control API reads what the person sees.

const DEADLINE = 300;
let h: SandboxHarness;
let bot: StartedBot;
let general: string;
let alice: string;
let bob: string;
beforeAll(async () => {
  h = await startSandbox({ interactionDeadlineMs: DEADLINE });
  general = h.sandbox.control.channelId("general");
  alice = h.sandbox.control.createUser("alice").id;
  bob = h.sandbox.control.createUser("bob").id;
  bot = await h.startBot("Builder");
  const bobb = new SlashCommandBuilder()
    .setName("bobb")
    .setDescription("Build bots")
    .addSubcommand((s) =>
      s
        .setName("create")
        .setDescription("Create a bot")
        .addStringOption((o) => o.setName("name").setDescription("Its name").setRequired(true))
        .addStringOption((o) => o.setName("persona").setDescription("Who it is"))
        .addIntegerOption((o) => o.setName("size").setDescription("Size").addChoices({ name: "small", value: 1 }, { name: "big", value: 2 })),
    )
    .addSubcommandGroup((g) =>
      g
        .setName("admin")
        .setDescription("Admin")
        .addSubcommand((s) =>
          s
            .setName("kick")
            .setDescription("Kick")
            .addUserOption((o) => o.setName("who").setDescription("Who").setRequired(true)),
        ),
    );
  await bot.client.application!.commands.set([bobb.toJSON(), { name: "stop", description: "Stop" }], h.sandbox.control.guildId());
});
afterAll(() => h.stop());

let listener: ((interaction: Interaction) => void) | null = null;
afterEach(() => stopAnswering());

/** Answers every interaction with `handler`, and resolves with the first handler's result. */
function answerWith<T>(handler: (interaction: Interaction) => Promise<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    listener = (interaction) => void handler(interaction).then(resolve, reject);
    bot.client.on(Events.InteractionCreate, listener);
  });
}

const run = (command: string, options: Record<string, unknown> = {}, user = alice) =>
  h.sandbox.control.runCommand({ userId: user, channelId: general, command, options }).interaction_id;
const view = (id: string) => h.sandbox.control.interaction(id) as { responses: Record<string, unknown>[]; modal: unknown; acknowledged: number | null };

describe("sandbox interactions: slash commands", () => {
  it("delivers a ChatInputCommandInteraction with subcommand, options, member and permissions; reply() posts a message", async () => {
    const seen = answerWith(async (interaction) => {
      const command = interaction as ChatInputCommandInteraction;
      await command.reply({ content: `creating ${command.options.getString("name")}` });
      return command;
    });
    const other = await h.startBot("Watcher");
    const created = waitForClientEvent(other.client, Events.MessageCreate, (m) => m.author.id === bot.bot_user_id);
    const id = run("bobb create", { name: "Chef", persona: "cooks", size: "big" });
    const interaction = await seen;
    expect(interaction.isChatInputCommand()).toBe(true);
    expect(interaction.id).toBe(id);
    expect(interaction.commandName).toBe("bobb");
    expect(interaction.options.getSubcommand()).toBe("create");
    expect(interaction.options.getString("name")).toBe("Chef");
    expect(interaction.options.getString("persona")).toBe("cooks");
    expect(interaction.options.getInteger("size")).toBe(2); // a choice's name maps to its value
    expect(interaction.user.id).toBe(alice);
    expect(interaction.member?.user.id).toBe(alice);
    expect(interaction.guildId).toBe(h.sandbox.control.guildId());
    expect(interaction.channelId).toBe(general);
    expect(interaction.applicationId).toBe(bot.application_id);
    expect(interaction.appPermissions.has(PermissionFlagsBits.SendMessages)).toBe(true);
    expect(interaction.locale).toBe("en-US");
    expect(interaction.inGuild()).toBe(true);

    const [message] = await created;
    expect(message.content).toBe("creating Chef");
    expect(message.interactionMetadata?.user.id).toBe(alice);
    const { responses, acknowledged } = view(id);
    expect(acknowledged).toBe(4);
    expect(responses).toHaveLength(1);
    expect(responses[0]).toMatchObject({ content: "creating Chef", ephemeral: false, type: 20 });

    // A second callback is refused by Discord (discord.js refuses it itself, so go to REST directly).
    const again = await rejectionOf(
      bot.client.rest.post(Routes.interactionCallback(id, interaction.token), { body: { type: 4, data: { content: "x" } }, auth: false }),
    );
    expect(again).toMatchObject({ status: 400, code: 40060 });
  });

  it("resolves subcommand groups and user options", async () => {
    const seen = answerWith(async (interaction) => {
      const command = interaction as ChatInputCommandInteraction;
      const response = await command.reply({ content: "ok", withResponse: true });
      return { command, response };
    });
    run("bobb admin kick", { who: bob });
    const { command: interaction, response } = await seen;
    expect(response.interaction.id).toBe(interaction.id);
    expect(response.interaction.responseMessageEphemeral).toBe(false);
    expect(response.resource?.message?.content).toBe("ok");
    expect(interaction.options.getSubcommandGroup()).toBe("admin");
    expect(interaction.options.getSubcommand()).toBe("kick");
    expect(interaction.options.getUser("who")?.username).toBe("bob");
    expect(interaction.options.getMember("who")).not.toBeNull();
  });

  it("ephemeral replies reach only their person: not other bots, not others' reads or streams", async () => {
    const other = await h.startBot("Eavesdropper");
    const botSaw: string[] = [];
    other.client.on(Events.MessageCreate, (m) => botSaw.push(m.content));
    const aliceSaw: string[] = [];
    const bobSaw: string[] = [];
    const offA = h.sandbox.control.onEvent((e) => e.t === "MESSAGE_CREATE" && aliceSaw.push(String(e.d["content"])), alice);
    const offB = h.sandbox.control.onEvent((e) => e.t === "MESSAGE_CREATE" && bobSaw.push(String(e.d["content"])), bob);
    const replied = answerWith(async (interaction) => {
      await (interaction as ChatInputCommandInteraction).reply({ content: "your bots: none", flags: MessageFlags.Ephemeral });
      return interaction;
    });
    const id = run("stop");
    await replied;
    // A message everyone sees, after the ephemeral one: once it arrives, the ephemeral one would have too.
    const sentinel = waitForClientEvent(other.client, Events.MessageCreate, (m) => m.content === "sentinel");
    h.sandbox.control.postMessage(general, bob, "sentinel");
    await sentinel;
    offA();
    offB();
    expect(botSaw).toEqual(["sentinel"]);
    expect(aliceSaw).toEqual(["your bots: none", "sentinel"]);
    expect(bobSaw).toEqual(["sentinel"]);
    expect(view(id).responses[0]).toMatchObject({ content: "your bots: none", ephemeral: true, flags: MessageFlags.Ephemeral });
    const contents = (viewer?: string) => h.sandbox.control.listMessages(general, viewer).map((m) => m["content"]);
    expect(contents(alice)).toContain("your bots: none");
    expect(contents(bob)).not.toContain("your bots: none");
    expect(contents()).not.toContain("your bots: none");
    const history = await bot.client.rest.get(Routes.channelMessages(general));
    expect((history as { content: string }[]).map((m) => m.content)).not.toContain("your bots: none");
    const http = (await controlCall(h.sandbox, "GET", `/control/channels/${general}/messages?user_id=${alice}`)).json as Record<string, unknown>[];
    expect(http.find((m) => m["content"] === "your bots: none")).toMatchObject({ ephemeral: true });
  });

  it(`a reply after the deadline (${DEADLINE} ms here, 3 s on Discord) fails with 10062`, async () => {
    const late = answerWith(async (interaction) => {
      await delay(DEADLINE + 150); // the slow model: time passing is what is under test
      return rejectionOf((interaction as ChatInputCommandInteraction).reply({ content: "too late" }));
    });
    const id = run("stop");
    const error = await late;
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect(error).toMatchObject({ status: 404, code: 10062, message: "Unknown interaction" });
    expect(view(id)).toMatchObject({ acknowledged: null, expired: true, responses: [] });
  });

  it("deferReply within the deadline, then editReply, followUp, fetchReply and deleteReply after it", async () => {
    const done = answerWith(async (interaction) => {
      const command = interaction as ChatInputCommandInteraction;
      await command.deferReply();
      await delay(DEADLINE + 150);
      const edited = await command.editReply({ content: "here is your bot" });
      const follow = await command.followUp({ content: "and a tip", flags: MessageFlags.Ephemeral });
      const fetched = await command.fetchReply();
      return { edited, follow, fetched, command };
    });
    const id = run("bobb create", { name: "Slow" });
    const { edited, follow, fetched, command } = await done;
    expect(edited.content).toBe("here is your bot");
    expect(fetched.id).toBe(edited.id);
    expect(follow.flags.has(MessageFlags.Ephemeral)).toBe(true);
    const { responses, acknowledged } = view(id);
    expect(acknowledged).toBe(5);
    expect(responses.map((r) => [r["content"], r["ephemeral"]])).toEqual([
      ["here is your bot", false],
      ["and a tip", true],
    ]);
    expect(Number(responses[0]!["flags"]) & MessageFlags.Loading).toBe(0);
    // Filling the "is thinking…" message is its first content, not an edit: Discord shows no "(edited)".
    expect(edited.editedTimestamp).toBeNull();
    expect(responses[0]!["edited_timestamp"]).toBeNull();
    const again = await command.editReply({ content: "here is your bot, renamed" });
    expect(again.editedTimestamp).not.toBeNull();
    await command.deleteReply();
    expect(view(id).responses.map((r) => r["content"])).toEqual(["and a tip"]);
  });

  it("an ephemeral deferral's first follow-up fills the thinking message", async () => {
    const done = answerWith(async (interaction) => {
      const command = interaction as ChatInputCommandInteraction;
      await command.deferReply({ flags: MessageFlags.Ephemeral });
      expect(view(command.id).responses[0]).toMatchObject({ content: "", ephemeral: true, flags: MessageFlags.Ephemeral | MessageFlags.Loading });
      await command.followUp({ content: "steps: 1, 2, 3" });
      return command;
    });
    const id = run("stop");
    await done;
    expect(view(id).responses.map((r) => [r["content"], r["ephemeral"]])).toEqual([["steps: 1, 2, 3", true]]);
  });

  it("runs a global command in the bot's DM: user instead of member, no guild", async () => {
    await bot.client.application!.commands.create({ name: "help", description: "Help" });
    const dm = h.sandbox.control.openDm(alice, bot.bot_user_id).channel_id;
    const seen = answerWith(async (interaction) => {
      await (interaction as ChatInputCommandInteraction).reply({ content: "here to help", flags: MessageFlags.Ephemeral });
      return interaction as ChatInputCommandInteraction;
    });
    const id = h.sandbox.control.runCommand({ userId: alice, channelId: dm, command: "help" }).interaction_id;
    const interaction = await seen;
    expect(interaction.inGuild()).toBe(false);
    expect(interaction.member).toBeNull();
    expect(interaction.user.id).toBe(alice);
    expect(interaction.channelId).toBe(dm);
    expect(view(id).responses[0]).toMatchObject({ content: "here to help", ephemeral: true });
    // A guild-only command is not offered in the DM.
    expect(() => h.sandbox.control.runCommand({ userId: alice, channelId: dm, command: "stop" })).toThrow(/no slash command \/stop/);
  });

  it("control errors name what was wrong", async () => {
    const post = (body: unknown) => controlCall(h.sandbox, "POST", "/control/interactions", body);
    const base = { user_id: alice, channel_id: general };
    expect(await post({ ...base, command: "nope" })).toMatchObject({ status: 404, json: { error: { code: "unknown_command" } } });
    expect(await post({ ...base, command: "bobb" })).toMatchObject({
      status: 400,
      json: { error: { code: "missing_subcommand", message: expect.stringContaining("create") } },
    });
    expect(await post({ ...base, command: "bobb fly" })).toMatchObject({ status: 400, json: { error: { code: "unknown_subcommand" } } });
    expect(await post({ ...base, command: "bobb create" })).toMatchObject({
      status: 400,
      json: { error: { code: "missing_option", message: expect.stringContaining("name") } },
    });
    expect(await post({ ...base, command: "bobb create", options: { name: "x", colour: "red" } })).toMatchObject({
      json: { error: { code: "unknown_option" } },
    });
    expect(await post({ ...base, command: "bobb create", options: { name: "x", size: 7 } })).toMatchObject({ json: { error: { code: "invalid_option" } } });
    expect(await post({ ...base, user_id: bot.bot_user_id, command: "stop" })).toMatchObject({ json: { error: { code: "not_a_human" } } });
    expect(await controlCall(h.sandbox, "GET", "/control/interactions/123456789012345678")).toMatchObject({
      status: 404,
      json: { error: { code: "unknown_interaction" } },
    });
  });
});

describe("sandbox interactions: buttons", () => {
  it("a click delivers a ButtonInteraction; update() edits the message; deferUpdate() acknowledges", async () => {
    const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
      new ButtonBuilder().setCustomId("confirm").setLabel("Remove").setStyle(ButtonStyle.Danger),
      new ButtonBuilder().setCustomId("cancel").setLabel("Cancel").setStyle(ButtonStyle.Secondary),
      new ButtonBuilder().setCustomId("off").setLabel("Off").setStyle(ButtonStyle.Primary).setDisabled(true),
      new ButtonBuilder().setURL("https://example.org/").setLabel("Docs").setStyle(ButtonStyle.Link),
    );
    const replied = answerWith(async (interaction) => {
      await (interaction as ChatInputCommandInteraction).reply({ content: "Remove Chef?", components: [row] });
      return interaction;
    });
    const commandId = run("stop");
    await replied;
    const message = view(commandId).responses[0]!;
    const components = message["components"] as { components: Record<string, unknown>[] }[];
    expect(components[0]!.components.map((c) => [c["type"], c["style"], c["custom_id"] ?? c["url"]])).toEqual([
      [2, 4, "confirm"],
      [2, 2, "cancel"],
      [2, 1, "off"],
      [2, 5, "https://example.org/"],
    ]);
    expect(components[0]!.components[2]).toMatchObject({ disabled: true });
    stopAnswering();

    const clicked = answerWith(async (interaction) => {
      const button = interaction as ButtonInteraction;
      await button.update({ content: "Removed Chef.", components: [] });
      return button;
    });
    const click = await controlCall(h.sandbox, "POST", `/control/messages/${String(message["id"])}/components`, { user_id: alice, custom_id: "confirm" });
    expect(click.status).toBe(201);
    const clickId = (click.json as { interaction_id: string }).interaction_id;
    const button = await clicked;
    expect(button.isButton()).toBe(true);
    expect(button.id).toBe(clickId);
    expect(button.customId).toBe("confirm");
    expect(button.message.id).toBe(message["id"]);
    expect(button.user.id).toBe(alice);
    expect(view(clickId).responses[0]).toMatchObject({ id: message["id"], content: "Removed Chef.", components: [] });
    expect(h.sandbox.control.listMessages(general).find((m) => m["id"] === message["id"])).toMatchObject({ content: "Removed Chef." });
  });

  it("deferUpdate then editReply edits the clicked message; bad clicks are refused by name", async () => {
    const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
      new ButtonBuilder().setCustomId("go").setLabel("Go").setStyle(ButtonStyle.Success),
      new ButtonBuilder().setCustomId("off").setLabel("Off").setStyle(ButtonStyle.Primary).setDisabled(true),
    );
    const channel = await bot.client.channels.fetch(general);
    const sent = await (channel as TextChannel).send({ content: "pick", components: [row] });
    const clicked = answerWith(async (interaction) => {
      const button = interaction as ButtonInteraction;
      await button.deferUpdate();
      await button.editReply({ content: "went" });
      return button;
    });
    const clickId = h.sandbox.control.clickComponent(sent.id, bob, "go").interaction_id;
    await clicked;
    expect(view(clickId)).toMatchObject({ acknowledged: 6, responses: [{ id: sent.id, content: "went" }] });
    const click = (custom_id: string) => controlCall(h.sandbox, "POST", `/control/messages/${sent.id}/components`, { user_id: alice, custom_id });
    expect(await click("nope")).toMatchObject({ status: 404, json: { error: { code: "unknown_custom_id", message: expect.stringContaining("go") } } });
    expect(await click("off")).toMatchObject({ status: 409, json: { error: { code: "component_disabled" } } });
    const human = h.sandbox.control.postMessage(general, alice, "plain");
    expect(await controlCall(h.sandbox, "POST", `/control/messages/${String(human["id"])}/components`, { user_id: bob, custom_id: "go" })).toMatchObject({
      status: 400,
      json: { error: { code: "not_an_app_message" } },
    });
  });

  it("refuses invalid components with 50035", async () => {
    const channel = (await bot.client.channels.fetch(general)) as TextChannel;
    const bad = [{ type: 1, components: [{ type: 2, style: 1, label: "no id" }] }];
    const error = await rejectionOf(bot.client.rest.post(Routes.channelMessages(channel.id), { body: { content: "x", components: bad } }));
    expect(error).toMatchObject({ status: 400, code: 50035 });
    expect((error as unknown as DiscordAPIError).rawError).toHaveProperty("errors.components.0.components.0.custom_id");
  });
});

function stopAnswering(): void {
  if (listener) bot.client.off(Events.InteractionCreate, listener);
  listener = null;
}
