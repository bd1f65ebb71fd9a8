/**
 * Routing: does bot `self` answer this message? Pure; the discord.js adapter maps a
 * Message to `RouteInput`.
 *
 * Rules (ARCHITECTURE §3, step 2):
 * - Its own messages: ignore, always.
 * - A DM from a human: answer. A DM from a bot or webhook: ignore (bots have no business
 *   DMing each other, and an answer would be an unbounded, unwatched loop).
 * - Guild messages are answered only when the *content* holds a typed mention of self
 *   (`<@id>` or `<@!id>`). A reply-ping alone, a role mention, @everyone/@here is not a
 *   mention: Discord's `mentions` collection includes those, the content does not.
 * - A mention from a human is always answered; from a bot or webhook only when the loop
 *   governor allows. The governor is asked lazily, only for a mentioning bot message,
 *   because asking may consume budget or hand out the trip's one notice.
 * - Everything else in a guild channel is context only: it stays in the history the
 *   bot sees next time, but is not answered.
 * Stop commands are handled before routing (ARCHITECTURE §3, step 3).
 */

export interface RouteInput {
  /** The bot deciding whether to answer. */
  selfId: string;
  authorId: string;
  /** The author is a bot account. */
  authorIsBot: boolean;
  /** The message was posted through a webhook (treated like a bot). */
  isWebhook: boolean;
  /** A Discord system message (join, pin, boost…); never answered. */
  isSystem?: boolean;
  /** Direct message channel (no guild). */
  isDm: boolean;
  content: string;
  /** The governor's verdict for this bot turn; called only for a bot/webhook message that mentions self. Missing → refused. */
  allowBotTurn?: () => boolean;
}

export type RouteAction = "answer" | "context" | "ignore";

export type RouteReason =
  "own-message" | "system-message" | "dm-from-human" | "dm-from-bot" | "mentioned-by-human" | "mentioned-by-bot" | "governor-refused" | "not-mentioned";

export interface RouteDecision {
  action: RouteAction;
  reason: RouteReason;
}

/** True when the content contains a typed user mention of `userId` (`<@id>` or `<@!id>`). */
export function mentionsUser(content: string, userId: string): boolean {
  return content.includes(`<@${userId}>`) || content.includes(`<@!${userId}>`);
}

/** Decides whether the bot `selfId` answers a message, keeps it as context, or ignores it. */
export function decideRoute(input: RouteInput): RouteDecision {
  if (input.authorId === input.selfId) return { action: "ignore", reason: "own-message" };
  if (input.isSystem === true) return { action: "ignore", reason: "system-message" };
  const fromBot = input.authorIsBot || input.isWebhook;
  if (input.isDm) {
    return fromBot ? { action: "ignore", reason: "dm-from-bot" } : { action: "answer", reason: "dm-from-human" };
  }
  if (!mentionsUser(input.content, input.selfId)) return { action: "context", reason: "not-mentioned" };
  if (!fromBot) return { action: "answer", reason: "mentioned-by-human" };
  const allowed = input.allowBotTurn?.() ?? false;
  return allowed ? { action: "answer", reason: "mentioned-by-bot" } : { action: "context", reason: "governor-refused" };
}
