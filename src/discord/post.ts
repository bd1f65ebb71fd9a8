import type { Message, MessageCreateOptions, SendableChannels } from "discord.js";
import { redactTokens } from "../log/index.js";
import { capParts } from "./post-cap.js";
import { splitForDiscord } from "./split.js";

/** Turns raw user mentions the bot did not ask for into plain names, so nobody is pinged or triggered by accident. */
export function neutralizeMentions(text: string, nameOf: (userId: string) => string | undefined, keep: ReadonlySet<string> = new Set()): string {
  return text.replace(/<@!?(\d+)>/g, (raw, id: string) => (keep.has(id) ? raw : `@${nameOf(id) ?? "user"}`));
}

/** What a bot may post: nothing token-shaped, and raw mentions as plain names except the ones it means (`keep`). */
export function outgoingText(text: string, nameOf: (userId: string) => string | undefined, keep?: ReadonlySet<string>): string {
  return neutralizeMentions(redactTokens(text), nameOf, keep);
}

export interface PostOptions {
  /** Message id to answer as a Discord reply (first part only). */
  replyTo?: string | undefined;
  /** User ids that may be pinged; everyone else, @everyone and roles never are. */
  mentionIds?: readonly string[] | undefined;
  /** Checked before each part: a stop word between parts ends the post. */
  stillWanted?: () => boolean;
  /** Posts at most this many parts; a longer text is cut with "…" (the per-turn post limit). */
  maxParts?: number;
  /** Discord's enforced nonce (≤ 25 characters): a retried request never posts the same part twice. */
  nonce?: string | undefined;
}

/** The payload of part `i` of a post: only the mentions it means, the reply on the first part, an optional (enforced) nonce. */
export function partPayload(
  part: string,
  i: number,
  options: Pick<PostOptions, "replyTo" | "mentionIds"> & { nonce?: string | undefined; components?: MessageCreateOptions["components"] | undefined },
): MessageCreateOptions {
  const payload: MessageCreateOptions = {
    content: part,
    allowedMentions: { parse: [], users: [...(options.mentionIds ?? [])], repliedUser: false },
  };
  if (i === 0 && options.replyTo) payload.reply = { messageReference: options.replyTo, failIfNotExists: false };
  if (options.components !== undefined) payload.components = options.components;
  if (options.nonce !== undefined) {
    payload.nonce = options.nonce;
    payload.enforceNonce = true;
  }
  return payload;
}

/** Posts text split at 2,000 characters (fences kept balanced); returns the ids of what was posted. */
export async function postText(channel: SendableChannels, text: string, options: PostOptions = {}): Promise<Message[]> {
  const posted: Message[] = [];
  const parts = splitForDiscord(text);
  for (const [i, part] of (options.maxParts === undefined ? parts : capParts(parts, options.maxParts)).entries()) {
    if (options.stillWanted && !options.stillWanted()) break;
    const nonce = options.nonce === undefined || i === 0 ? options.nonce : `${options.nonce.slice(0, 21)}-${i}`;
    posted.push(await channel.send(partPayload(part, i, { ...options, nonce })));
  }
  return posted;
}
