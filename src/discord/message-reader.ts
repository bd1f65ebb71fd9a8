import type { Message, User } from "discord.js";
import type { ContextUser, HistoryMessage } from "./context.js";
import type { BotDirectory } from "./directory.js";
import { HISTORY_LIMIT } from "./context.js";
import { redactCredentials } from "../log/index.js";
import type { SharedMessages } from "./shared-messages.js";

/** A message author as the context shows it: bots by their registry name. */
export function toContextUser(
  user: Pick<User, "id" | "tag" | "bot" | "globalName" | "username">,
  directory: BotDirectory,
  displayName?: string | null,
): ContextUser {
  const known = directory.byUserId(user.id);
  return { id: user.id, tag: user.tag, name: known?.name ?? displayName ?? user.globalName ?? user.username, isBot: user.bot };
}

/** Conversation key for sessions: the channel in a guild, the person in a DM. */
export function conversationKey(message: Message): string {
  return message.guildId ? message.channelId : `dm-${message.author.id}`;
}

/**
 * The messages before this one, newest 10. Uses the client's message cache and the process's
 * shared history (the guild messages this client's discord.js skipped, shared-messages.ts);
 * fetches once per channel when they cannot have the whole window (the bot just came online).
 * In a thread made from a message, that message comes first (it is what the thread is about).
 */
export async function loadHistory(
  message: Message,
  directory: BotDirectory,
  fetched: { has(id: string): boolean; add(id: string): unknown },
  shared?: SharedMessages,
): Promise<HistoryMessage[]> {
  const channel = message.channel;
  const before = (): HistoryMessage[] => {
    const own = [...channel.messages.cache.values()].filter((m) => m.id !== message.id && m.createdTimestamp <= message.createdTimestamp);
    const lines = own.map((m) => ({ id: m.id, author: toContextUser(m.author, directory, m.member?.displayName), content: m.content, at: m.createdTimestamp }));
    const ids = new Set(lines.map((m) => m.id));
    for (const m of shared?.before(channel.id, message.id, message.createdTimestamp) ?? []) {
      if (!ids.has(m.id)) lines.push({ id: m.id, author: toContextUser(m.author, directory, m.displayName), content: m.content, at: m.at });
    }
    return lines;
  };
  let earlier = before();
  if (earlier.length < HISTORY_LIMIT && !fetched.has(channel.id)) {
    fetched.add(channel.id);
    await channel.messages.fetch({ limit: HISTORY_LIMIT, before: message.id }).catch(() => undefined);
    earlier = before();
  }
  // A thread made from a message starts with it (in the parent channel): the oldest line of the history.
  if (channel.isThread() && earlier.length < HISTORY_LIMIT) {
    const starter = await channel.fetchStarterMessage().catch(() => null);
    if (starter && !earlier.some((m) => m.id === starter.id)) {
      earlier = [
        {
          id: starter.id,
          author: toContextUser(starter.author, directory, starter.member?.displayName),
          content: starter.content,
          at: starter.createdTimestamp,
        },
        ...earlier,
      ];
    }
  }
  return earlier
    .sort((a, b) => a.at - b.at)
    .slice(-HISTORY_LIMIT)
    .map((m) => ({ ...m, content: redactCredentials(m.content) }));
}

/** Ids of our bots typed-mentioned in a text. */
export function mentionedBotIds(content: string, directory: BotDirectory): string[] {
  const ids = new Set<string>();
  for (const match of content.matchAll(/<@!?(\d+)>/g)) if (directory.byUserId(match[1]!)) ids.add(match[1]!);
  return [...ids];
}

/**
 * Who the loop governor counts a message as: its author, or for a webhook (one webhook posts for every
 * outside agent of a room) the webhook and the name it posted under, so each outside agent is its own bot.
 */
export function governedAuthor(message: Pick<Message, "webhookId"> & { author: Pick<User, "id" | "username"> }): string {
  return message.webhookId !== null ? `webhook:${message.webhookId}:${message.author.username}` : message.author.id;
}
