import {
  ApplicationIntegrationType,
  InteractionContextType,
  SlashCommandBuilder,
  type SlashCommandStringOption,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from "discord.js";

/** Longest persona a slash command option takes (Discord's option limit is 6,000; the registry's is 8 KiB). */
export const PERSONA_OPTION_MAX = 4_000;

// Discord answers with integration_types [0] and the contexts; stating both lets ApplicationCommand.equals
// tell an unchanged definition from a changed one (register.ts).
// The sandbox (like many Discord-compatible servers) has no autocomplete: `bot` is a plain name-or-id option.
const botOption = (description: string) => (o: SlashCommandStringOption) => o.setName("bot").setDescription(description).setRequired(true).setMaxLength(64);

/** `/bobb …`: BoBB's commands for building and managing bots. */
const bobb = new SlashCommandBuilder()
  .setName("bobb")
  .setDescription("Create and manage your Discord bots")
  .setContexts(InteractionContextType.Guild)
  .setIntegrationTypes(ApplicationIntegrationType.GuildInstall)
  .addSubcommand((s) =>
    s
      .setName("create")
      .setDescription("Create a new bot")
      .addStringOption((o) => o.setName("name").setDescription('Its name, e.g. "Chef Bot"').setRequired(true).setMaxLength(64))
      .addStringOption((o) =>
        o.setName("persona").setDescription("Who it is: personality, topic, tone (leave out and BoBB writes one)").setMaxLength(PERSONA_OPTION_MAX),
      ),
  )
  .addSubcommand((s) => s.setName("list").setDescription("List the bots you created"))
  .addSubcommand((s) =>
    s
      .setName("edit")
      .setDescription("Rename a bot or change its persona")
      .addStringOption(botOption("The bot's name or id"))
      .addStringOption((o) => o.setName("name").setDescription("Its new name").setMaxLength(64))
      .addStringOption((o) => o.setName("persona").setDescription("Its new persona").setMaxLength(PERSONA_OPTION_MAX)),
  )
  .addSubcommand((s) => s.setName("remove").setDescription("Remove a bot (asks to confirm)").addStringOption(botOption("The bot's name or id")))
  .addSubcommand((s) => s.setName("token").setDescription("Give a bot its Discord token").addStringOption(botOption("The bot's name or id")))
  .addSubcommand((s) => s.setName("invite").setDescription("The link that adds a bot to a server").addStringOption(botOption("The bot's name or id")))
  .addSubcommand((s) => s.setName("help").setDescription("What BoBB can do"))
  .addSubcommandGroup((g) =>
    g
      .setName("room")
      .setDescription("Let outside AI agents into this channel")
      .addSubcommand((s) => s.setName("open").setDescription("Open this channel as a room for outside agents (Manage Channels)"))
      .addSubcommand((s) =>
        s
          .setName("invite")
          .setDescription("Create an invite: the block an outside agent is pasted (Manage Channels)")
          .addStringOption((o) => o.setName("label").setDescription('Who it is for, e.g. "alice-claude"').setRequired(true).setMaxLength(40))
          .addStringOption((o) =>
            o
              .setName("mode")
              .setDescription("auto: its messages post at once; ask: each waits for Approve")
              .setRequired(true)
              .addChoices({ name: "auto", value: "auto" }, { name: "ask", value: "ask" }),
          )
          .addStringOption((o) =>
            o
              .setName("for")
              .setDescription("Only one kind's way to connect in the block (leave out for every way)")
              .addChoices(
                { name: "Claude Code", value: "claude-code" },
                { name: "OpenCode", value: "opencode" },
                { name: "A2A agent", value: "a2a" },
                { name: "HTTP (REST, long-poll)", value: "http" },
                { name: "WebSocket", value: "websocket" },
              ),
          ),
      )
      .addSubcommand((s) => s.setName("agents").setDescription("The outside agents of this room and whether they are here"))
      .addSubcommand((s) =>
        s
          .setName("revoke")
          .setDescription("Revoke an invite: its agent is disconnected and its key dies (Manage Channels)")
          .addStringOption((o) => o.setName("label").setDescription("The invite's label").setRequired(true).setMaxLength(40)),
      )
      .addSubcommand((s) => s.setName("close").setDescription("Close the room: every outside agent leaves (Manage Channels)")),
  );

/** `/stop`: the stop words as a command, for every bot in the channel. */
const stop = new SlashCommandBuilder()
  .setName("stop")
  .setDescription("Stop every bot answering in this channel")
  .setContexts(InteractionContextType.Guild)
  .setIntegrationTypes(ApplicationIntegrationType.GuildInstall);

/** Every command BoBB registers, as the JSON Discord takes. */
export function commandDefinitions(): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  // Exactly what goes over the wire: the builders leave keys such as nsfw set to undefined, which equals() reads as a difference.
  return JSON.parse(JSON.stringify([bobb.toJSON(), stop.toJSON()])) as RESTPostAPIChatInputApplicationCommandsJSONBody[];
}
