import { MessageFlags, type ChatInputCommandInteraction } from "discord.js";
import type { Agent } from "../../registry/index.js";

/**
 * `/bobb token bot`: opens the token form for a bot the person may change (the caller checked).
 * PLACEHOLDER until the token form (a Discord modal) lands: it points the person to the DM path.
 */
export async function showTokenForm(interaction: ChatInputCommandInteraction, agent: Agent): Promise<void> {
  await interaction.reply({
    content: `Send me **${agent.name}**'s token in a direct message (never in a channel): open the Developer Portal → your application → **Bot** → **Reset Token**, copy it and DM it to me. I check it with Discord, store it and start the bot.`,
    flags: MessageFlags.Ephemeral,
    allowedMentions: { parse: [] },
  });
}
