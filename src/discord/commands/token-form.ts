import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  LabelBuilder,
  MessageFlags,
  ModalBuilder,
  TextInputBuilder,
  TextInputStyle,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
} from "discord.js";

/** Every custom id of the token form starts with this; nothing else of BoBB's uses it. */
export const TOKEN_ID_PREFIX = "bobb:token:";
/** The "Submit token" button under BoBB's setup steps: `bobb:token:open:<agentId>`. */
export const TOKEN_BUTTON_PREFIX = `${TOKEN_ID_PREFIX}open:`;
/** The modal: `bobb:token:form:<agentId>`. */
export const TOKEN_MODAL_PREFIX = `${TOKEN_ID_PREFIX}form:`;
/** The modal's one text input. */
export const TOKEN_INPUT_ID = "token";

/** What the form needs to know of an agent (a registry agent fits). */
export interface TokenFormAgent {
  id: string;
  name: string;
  created_by?: string | null | undefined;
}

/** Where the form can be opened from: a button under BoBB's steps or `/bobb token`. */
export type TokenFormTrigger = ButtonInteraction | ChatInputCommandInteraction;

const TITLE_MAX = 45;

/** The agent id in one of the form's custom ids, or undefined when the id is not the form's. */
export function agentOfCustomId(customId: string, prefix: string): string | undefined {
  if (!customId.startsWith(prefix)) return undefined;
  const id = customId.slice(prefix.length);
  return id.length > 0 ? id : undefined;
}

/** The modal: one short text input for the token; Discord keeps no message of what is typed into it. */
export function tokenModal(agent: TokenFormAgent): ModalBuilder {
  const title = `Token for ${agent.name}`;
  const input = new TextInputBuilder()
    .setCustomId(TOKEN_INPUT_ID)
    .setStyle(TextInputStyle.Short)
    .setRequired(true)
    .setMinLength(20)
    .setMaxLength(1000)
    .setPlaceholder("Developer Portal → your app → Bot → Reset Token");
  return new ModalBuilder()
    .setCustomId(TOKEN_MODAL_PREFIX + agent.id)
    .setTitle(title.length > TITLE_MAX ? `${title.slice(0, TITLE_MAX - 1)}…` : title)
    .addLabelComponents(
      new LabelBuilder().setLabel("Bot token").setDescription("Only BoBB sees it; it is checked with Discord and stored.").setTextInputComponent(input),
    );
}

/** "Submit token" buttons, one per agent (at most 5 in one row), for the message with BoBB's setup steps. */
export function tokenButtons(agents: readonly TokenFormAgent[]): ActionRowBuilder<ButtonBuilder>[] {
  if (agents.length === 0) return [];
  const buttons = agents.slice(0, 5).map((agent) =>
    new ButtonBuilder()
      .setCustomId(TOKEN_BUTTON_PREFIX + agent.id)
      .setStyle(ButtonStyle.Primary)
      .setLabel(agents.length === 1 ? "Submit token" : `Submit token: ${agent.name}`.slice(0, 80)),
  );
  return [new ActionRowBuilder<ButtonBuilder>().addComponents(buttons)];
}

/**
 * Opens the token form for an agent. Only its creator may (anyone for an agent without one);
 * others get an ephemeral refusal. `refusal` adds the supervisor's other checks (is the agent
 * still waiting for a token?); the submission is checked again in full when it arrives.
 */
export async function showTokenForm(interaction: TokenFormTrigger, agent: TokenFormAgent, refusal?: string): Promise<void> {
  const why = agent.created_by && agent.created_by !== interaction.user.id ? `Only the person who created **${agent.name}** can submit its token.` : refusal;
  if (why) {
    await interaction.reply({ content: why, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
    return;
  }
  await interaction.showModal(tokenModal(agent));
}
