import { PermissionFlagsBits, type Client, type Message } from "discord.js";
import type { IntakeMessage } from "./ports.js";

/**
 * A discord.js message as token intake sees it. `peers` are the other bots' clients: when
 * this bot may not delete the message, one of them that may does. Permissions are checked
 * locally (discord.js's permissionsFor) first, so no bot sends a delete Discord would refuse.
 */
export function intakeMessage(message: Message, peers: () => readonly Client[] = () => []): IntakeMessage {
  return {
    id: message.id,
    authorId: message.author.id,
    authorIsBot: message.author.bot,
    content: message.content,
    channelId: message.channelId,
    inDm: message.guildId === null,
    delete: async () => {
      for (const client of new Set([message.client, ...peers()])) {
        if (await deleteAs(client, message)) return true;
      }
      return false;
    },
    send: async (text, mentionUsers = []) => {
      if (!message.channel.isSendable()) return;
      await message.channel.send({ content: text, allowedMentions: { parse: [], ...(mentionUsers.length > 0 ? { users: [...mentionUsers] } : {}) } });
    },
    typing: async () => {
      if (message.channel.isSendable()) await message.channel.sendTyping();
    },
  };
}

/** Deletes the message as this client if its cached permissions allow it; false otherwise. */
async function deleteAs(client: Client, message: Message): Promise<boolean> {
  const channel = client.channels.cache.get(message.channelId);
  const me = client.user;
  if (!me || !channel?.isTextBased() || channel.isDMBased()) return false;
  if (!channel.permissionsFor(me)?.has([PermissionFlagsBits.ViewChannel, PermissionFlagsBits.ManageMessages])) return false;
  return channel.messages.delete(message.id).then(
    () => true,
    () => false,
  );
}
