import { Events, MessageFlags, type Client, type Interaction, type ModalSubmitInteraction } from "discord.js";
import type { Logger } from "../../log/index.js";
import { agentOfCustomId, showTokenForm, TOKEN_BUTTON_PREFIX, TOKEN_INPUT_ID, TOKEN_MODAL_PREFIX, type TokenFormAgent } from "./token-form.js";

/** A token from the form, as token intake takes it (see TokenIntake.submitForm). */
export interface TokenFormSubmission {
  agentId: string;
  userId: string;
  conversationKey: string;
  token: string;
  reply(text: string): Promise<void>;
}

export interface TokenFormHandlers {
  logger: Logger;
  /** The agent a button or modal names, if it still exists. */
  agent(agentId: string): TokenFormAgent | undefined;
  /** Why this person may not open the form for this agent (checked again on submit), or undefined. */
  refusal(agentId: string, userId: string): string | undefined;
  /** Checks, stores and starts the token; answers through `reply`. */
  submit(submission: TokenFormSubmission): Promise<void>;
}

const GONE = "That bot no longer exists.";

/**
 * Handles the token form's button clicks and modal submits on BoBB's client (custom ids under
 * `bobb:token:` only; every other interaction is left alone). Returns the function that detaches it.
 */
export function listenForTokenForms(client: Client, handlers: TokenFormHandlers): () => void {
  const log = handlers.logger.child({ component: "token-form" });
  const listener = (interaction: Interaction) => {
    handleTokenInteraction(interaction, handlers).catch((err: unknown) =>
      // Never the interaction itself: a modal submit carries the token.
      log.error({ err: errorSummary(err), interaction: interaction.id }, "token form interaction failed"),
    );
  };
  client.on(Events.InteractionCreate, listener);
  return () => void client.off(Events.InteractionCreate, listener);
}

/** True when the interaction was the token form's (a button or a modal submit under its prefix). */
export async function handleTokenInteraction(interaction: Interaction, handlers: TokenFormHandlers): Promise<boolean> {
  if (interaction.isButton()) {
    const agentId = agentOfCustomId(interaction.customId, TOKEN_BUTTON_PREFIX);
    if (!agentId) return false;
    const agent = handlers.agent(agentId);
    if (!agent) {
      await interaction.reply({ content: GONE, flags: MessageFlags.Ephemeral });
      return true;
    }
    await showTokenForm(interaction, agent, handlers.refusal(agentId, interaction.user.id));
    return true;
  }
  if (interaction.isModalSubmit()) {
    const agentId = agentOfCustomId(interaction.customId, TOKEN_MODAL_PREFIX);
    if (!agentId) return false;
    await submitted(interaction, agentId, handlers);
    return true;
  }
  return false;
}

async function submitted(interaction: ModalSubmitInteraction, agentId: string, handlers: TokenFormHandlers): Promise<void> {
  // Checking the token with Discord may outlast the 3-second limit: think first, then edit.
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  let answered = false;
  const reply = async (text: string) => {
    const content = { content: text, allowedMentions: { parse: [] } };
    if (!answered) {
      answered = true;
      await interaction.editReply(content);
    } else await interaction.followUp({ ...content, flags: MessageFlags.Ephemeral });
  };
  await handlers.submit({
    agentId,
    userId: interaction.user.id,
    conversationKey: interaction.guildId && interaction.channelId ? interaction.channelId : `dm-${interaction.user.id}`,
    token: interaction.fields.getTextInputValue(TOKEN_INPUT_ID),
    reply,
  });
}

/** An error without the request it failed on (discord.js errors carry the request body). */
function errorSummary(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: String(err) };
  const { status, code } = err as { status?: unknown; code?: unknown };
  return { name: err.name, message: err.message, status, code };
}
