import type { Message } from "discord.js";
import type { InboxItem } from "./inbox.js";
import type { RunningBot } from "./bot-manager.js";
import type { PendingMention } from "./pending-mentions.js";

/** A mention a bot accepted, as its inbox keeps it until a turn has answered it. */
export interface AcceptedMention extends InboxItem {
  bot: RunningBot;
  message: Message;
  /** When this process received it (for the "replied" timing line). */
  received: number;
}

/** The mention as the pending-mentions file keeps it: ids and time only. */
export function toPending(m: AcceptedMention): PendingMention {
  return { agent: m.agentId, channel: m.channelId, message: m.messageId, at: m.message.createdTimestamp };
}

/**
 * Whom a batch's reply pings besides the person it replies to: the other people whose messages it
 * answers (never bots, whose typed mention would start them answering, and never the bot itself).
 */
export function othersToPing(batch: readonly Message[], selfId: string): string[] {
  const primary = batch.at(-1);
  const ids = new Set<string>();
  for (const m of batch.slice(0, -1)) {
    if (m.author.bot || m.webhookId !== null || m.author.id === selfId || m.author.id === primary?.author.id) continue;
    ids.add(m.author.id);
  }
  return [...ids];
}

/** The reply text with a ping in front for each of `ids` the text does not ping already. */
export function addressEach(text: string, ids: readonly string[]): string {
  const missing = ids.filter((id) => !new RegExp(`<@!?${id}>`).test(text));
  return missing.length === 0 ? text : `${missing.map((id) => `<@${id}>`).join(" ")} ${text}`;
}
