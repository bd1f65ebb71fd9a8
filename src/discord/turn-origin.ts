import { PermissionFlagsBits, type Message } from "discord.js";
import { conversationKey } from "./message-reader.js";
import type { TurnOrigin } from "./turns.js";

/** Who wrote the message a turn answers, where, and whether they manage that server: what the tool API decides from. */
export async function turnOrigin(message: Message): Promise<TurnOrigin> {
  let managesGuild = false;
  if (message.guild && !message.author.bot) {
    const member = message.member ?? (await message.guild.members.fetch(message.author.id).catch(() => null));
    managesGuild = member?.permissions.has(PermissionFlagsBits.ManageGuild) ?? false;
  }
  return {
    conversationKey: conversationKey(message),
    guildId: message.guildId,
    messageId: message.id,
    authorId: message.author.id,
    authorName: message.member?.displayName ?? message.author.globalName ?? message.author.username,
    authorManagesGuild: managesGuild,
  };
}
