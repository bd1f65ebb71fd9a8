import type { Message } from "discord.js";
import type { IntakeMessage } from "./ports.js";

/** A discord.js message as token intake sees it. */
export function intakeMessage(message: Message): IntakeMessage {
  return {
    authorId: message.author.id,
    authorIsBot: message.author.bot,
    content: message.content,
    channelId: message.channelId,
    inDm: message.guildId === null,
    delete: () =>
      message.delete().then(
        () => true,
        () => false,
      ),
    send: async (text, mentionUsers = []) => {
      if (!message.channel.isSendable()) return;
      await message.channel.send({ content: text, allowedMentions: { parse: [], ...(mentionUsers.length > 0 ? { users: [...mentionUsers] } : {}) } });
    },
  };
}
