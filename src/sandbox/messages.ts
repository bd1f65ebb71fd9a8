import { DiscordError, discordErrors, fieldError } from "./errors.js";
import { Intent, type SandboxContext } from "./events.js";
import { allowedMentionsError, parseMentions, resolveMentions, type AllowedMentions } from "./mentions.js";
import type { ChannelRecord, MessageRecord } from "./model.js";
import { memberPayload, messagePayload, withoutContent } from "./payloads.js";
import { hasPermission, Permission } from "./permissions.js";

/** Discord's hard limit on message content. */
export const MAX_CONTENT_LENGTH = 2000;

/** The fields of a message create/edit request the sandbox understands. */
export interface MessageInput {
  content?: string | null | undefined;
  embeds?: Record<string, unknown>[] | null | undefined;
  nonce?: string | number | null | undefined;
  tts?: boolean | undefined;
  allowed_mentions?: AllowedMentions | null | undefined;
  message_reference?: { message_id: string; channel_id?: string | undefined; fail_if_not_exists?: boolean | undefined } | null | undefined;
}

/** A webhook posting a message, with its per-message name/avatar override applied. */
export interface WebhookAuthor {
  id: string;
  username: string;
  avatar: string | null;
}

/** Query of `GET /channels/:id/messages`. */
export interface HistoryQuery {
  limit?: number | undefined;
  before?: string | undefined;
  after?: string | undefined;
  around?: string | undefined;
}

/** Message create/edit/delete/list, typing and reactions, with Discord's checks and dispatches. */
export class Messages {
  constructor(private readonly ctx: SandboxContext) {}

  /** The channel, if the actor can see it: unknown → 404/10003, not a participant → 403/50001. */
  channelFor(actorId: string, channelId: string): ChannelRecord {
    const channel = this.ctx.store.channels.get(channelId);
    if (!channel) throw discordErrors.unknownChannel();
    const visible = channel.guildId ? hasPermission(this.ctx.store, channel.guildId, actorId, Permission.ViewChannel) : channel.recipientIds.includes(actorId);
    if (!visible) throw discordErrors.missingAccess();
    return channel;
  }

  /** Posts a message as a user (human or bot) or, with `webhook`, as that webhook. */
  create(actorId: string, channelId: string, input: MessageInput, webhook?: WebhookAuthor): MessageRecord {
    const channel = webhook ? this.#existing(channelId) : this.channelFor(actorId, channelId);
    if (channel.guildId && !webhook && !hasPermission(this.ctx.store, channel.guildId, actorId, Permission.SendMessages)) {
      throw discordErrors.missingPermissions();
    }
    if (channel.type === 1) this.#checkDmAllowed(channel);
    const content = input.content ?? "";
    const embeds = input.embeds ?? [];
    checkContent(content);
    if (content.trim() === "" && embeds.length === 0) throw discordErrors.emptyMessage();
    const reference = this.#reference(channel, input.message_reference);
    const message: MessageRecord = {
      id: this.ctx.ids.next(),
      channelId: channel.id,
      authorId: webhook ? webhook.id : actorId,
      webhook: webhook ?? null,
      content,
      embeds,
      mentionIds: [],
      mentionRoleIds: [],
      mentionEveryone: false,
      repliedUserPinged: false,
      reference,
      type: reference ? 19 : 0,
      timestamp: new Date(this.ctx.now()).toISOString(),
      editedTimestamp: null,
      nonce: input.nonce === undefined || input.nonce === null ? null : String(input.nonce),
      tts: input.tts ?? false,
      reactions: [],
    };
    this.#applyMentions(message, channel, input.allowed_mentions, webhook !== undefined);
    this.ctx.store.addMessage(message);
    this.#dispatchMessage("MESSAGE_CREATE", channel, message);
    return message;
  }

  /** Edits the actor's own message (others' → 403/50005); mentions are re-parsed from the new content. */
  edit(actorId: string, channelId: string, messageId: string, input: MessageInput): MessageRecord {
    const channel = this.channelFor(actorId, channelId);
    const message = this.#message(channel, messageId);
    if (message.authorId !== actorId || message.webhook) throw discordErrors.cannotEditOthers();
    if (input.content !== undefined) {
      const content = input.content ?? "";
      checkContent(content);
      message.content = content;
    }
    if (input.embeds !== undefined) message.embeds = input.embeds ?? [];
    if (message.content.trim() === "" && message.embeds.length === 0) throw discordErrors.emptyMessage();
    const pinged = message.repliedUserPinged;
    this.#applyMentions(message, channel, input.allowed_mentions, false);
    message.repliedUserPinged = pinged; // an edit never adds or removes the reply ping
    message.editedTimestamp = new Date(this.ctx.now()).toISOString();
    this.ctx.store.touch();
    this.#dispatchMessage("MESSAGE_UPDATE", channel, message);
    return message;
  }

  /** Deletes a message: one's own always; others' only with Manage Messages in a guild (else 403/50013). */
  delete(actorId: string, channelId: string, messageId: string): void {
    const channel = this.channelFor(actorId, channelId);
    const message = this.#message(channel, messageId);
    if (message.authorId !== actorId) {
      if (!channel.guildId) throw new DiscordError(403, 50003, "Cannot execute action on a DM channel");
      if (!hasPermission(this.ctx.store, channel.guildId, actorId, Permission.ManageMessages)) throw discordErrors.missingPermissions();
    }
    this.ctx.store.removeMessage(message);
    this.ctx.bus.emit({
      t: "MESSAGE_DELETE",
      d: { id: message.id, channel_id: channel.id, ...(channel.guildId ? { guild_id: channel.guildId } : {}) },
      guildId: channel.guildId,
      userIds: channel.recipientIds,
      intent: channel.guildId ? Intent.GuildMessages : Intent.DirectMessages,
    });
  }

  /** One message the actor can see. */
  get(actorId: string, channelId: string, messageId: string): MessageRecord {
    return this.#message(this.channelFor(actorId, channelId), messageId);
  }

  /** History, newest first, like Discord: `limit` 1–100 (default 50) and one of before/after/around. */
  list(actorId: string, channelId: string, query: HistoryQuery): MessageRecord[] {
    const channel = this.channelFor(actorId, channelId);
    if (channel.guildId && !hasPermission(this.ctx.store, channel.guildId, actorId, Permission.ReadMessageHistory)) return [];
    return selectHistory(this.ctx.store.messagesIn(channel.id), query);
  }

  /** Shows "is typing" for the actor in the channel (TYPING_START). */
  typing(actorId: string, channelId: string): void {
    const channel = this.channelFor(actorId, channelId);
    const member = channel.guildId ? this.ctx.store.member(channel.guildId, actorId) : undefined;
    const user = this.ctx.store.users.get(actorId);
    this.ctx.bus.emit({
      t: "TYPING_START",
      d: {
        channel_id: channel.id,
        user_id: actorId,
        timestamp: Math.floor(this.ctx.now() / 1000),
        ...(channel.guildId ? { guild_id: channel.guildId } : {}),
        ...(member ? { member: memberPayload(member, user) } : {}),
      },
      guildId: channel.guildId,
      userIds: channel.recipientIds,
      intent: channel.guildId ? Intent.GuildMessageTyping : Intent.DirectMessageTyping,
    });
  }

  /** Adds or removes a unicode reaction by `userId` (custom emoji are unknown here: 10014). */
  react(actorId: string, channelId: string, messageId: string, emojiText: string, add: boolean, userId = actorId): void {
    const channel = this.channelFor(actorId, channelId);
    const message = this.#message(channel, messageId);
    if (/^[\w-]+:\d+$/.test(emojiText) || emojiText.length === 0 || emojiText.length > 32) throw discordErrors.unknownEmoji();
    if (userId !== actorId && !(channel.guildId && hasPermission(this.ctx.store, channel.guildId, actorId, Permission.ManageMessages))) {
      throw discordErrors.missingPermissions();
    }
    let reaction = message.reactions.find((r) => r.emoji.name === emojiText);
    if (add) {
      if (!reaction) message.reactions.push((reaction = { emoji: { id: null, name: emojiText }, userIds: [] }));
      if (reaction.userIds.includes(userId)) return;
      reaction.userIds.push(userId);
    } else {
      if (!reaction?.userIds.includes(userId)) return;
      reaction.userIds = reaction.userIds.filter((id) => id !== userId);
      if (reaction.userIds.length === 0) message.reactions = message.reactions.filter((r) => r !== reaction);
    }
    this.ctx.store.touch();
    const member = channel.guildId ? this.ctx.store.member(channel.guildId, userId) : undefined;
    this.ctx.bus.emit({
      t: add ? "MESSAGE_REACTION_ADD" : "MESSAGE_REACTION_REMOVE",
      d: {
        user_id: userId,
        channel_id: channel.id,
        message_id: message.id,
        emoji: { id: null, name: emojiText },
        burst: false,
        type: 0,
        ...(channel.guildId ? { guild_id: channel.guildId } : {}),
        ...(add ? { message_author_id: message.authorId } : {}),
        ...(add && member ? { member: memberPayload(member, this.ctx.store.users.get(userId)) } : {}),
      },
      guildId: channel.guildId,
      userIds: channel.recipientIds,
      intent: channel.guildId ? Intent.GuildMessageReactions : Intent.DirectMessageReactions,
    });
  }

  /** The message payload for a viewer (used by REST and the control API). */
  payload(message: MessageRecord, viewerId?: string): Record<string, unknown> {
    return messagePayload(this.ctx.store, message, viewerId);
  }

  #existing(channelId: string): ChannelRecord {
    const channel = this.ctx.store.channels.get(channelId);
    if (!channel) throw discordErrors.unknownChannel();
    return channel;
  }

  #message(channel: ChannelRecord, messageId: string): MessageRecord {
    const message = this.ctx.store.message(messageId);
    if (!message || message.channelId !== channel.id) throw discordErrors.unknownMessage();
    return message;
  }

  // Bots cannot DM bots on Discord; the loop prevention must never rely on that path existing.
  #checkDmAllowed(channel: ChannelRecord): void {
    const users = channel.recipientIds.map((id) => this.ctx.store.users.get(id));
    if (users.every((u) => u?.bot)) throw discordErrors.cannotMessageUser();
  }

  #reference(channel: ChannelRecord, ref: MessageInput["message_reference"]): MessageRecord["reference"] {
    if (!ref) return null;
    const target = this.ctx.store.message(ref.message_id);
    const sameChannel = target && target.channelId === channel.id && (!ref.channel_id || ref.channel_id === channel.id);
    if (!sameChannel) {
      if (ref.fail_if_not_exists === false) return null;
      throw discordErrors.invalidFormBody(fieldError(["message_reference"], "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message"));
    }
    return { messageId: target.id, channelId: channel.id, guildId: channel.guildId };
  }

  #applyMentions(message: MessageRecord, channel: ChannelRecord, allowed: AllowedMentions | null | undefined, isWebhook: boolean): void {
    if (allowed) {
      const bad = allowedMentionsError(allowed);
      if (bad) {
        throw discordErrors.invalidFormBody(
          fieldError(["allowed_mentions"], "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE", `parse:["${bad}"] is mutually exclusive with ${bad}`),
        );
      }
    }
    const parsed = parseMentions(message.content);
    const guild = channel.guildId ? this.ctx.store.guilds.get(channel.guildId) : undefined;
    parsed.userIds = parsed.userIds.filter((id) => this.ctx.store.users.has(id));
    parsed.roleIds = parsed.roleIds.filter((id) => guild?.roles.some((r) => r.id === id && id !== guild.id));
    const canMentionEveryone = guild !== undefined && (isWebhook || hasPermission(this.ctx.store, guild.id, message.authorId, Permission.MentionEveryone));
    const resolved = resolveMentions(parsed, allowed, { isReply: message.reference !== null, canMentionEveryone });
    const mentionIds = [...resolved.userIds];
    const replied = message.reference ? this.ctx.store.message(message.reference.messageId) : undefined;
    // Discord lists the pinged author of the replied-to message in `mentions`, though the content never names them.
    if (resolved.repliedUser && replied && !replied.webhook && !mentionIds.includes(replied.authorId)) mentionIds.push(replied.authorId);
    message.mentionIds = mentionIds;
    message.mentionRoleIds = resolved.roleIds;
    message.mentionEveryone = resolved.everyone;
    message.repliedUserPinged = resolved.repliedUser;
  }

  #dispatchMessage(t: "MESSAGE_CREATE" | "MESSAGE_UPDATE", channel: ChannelRecord, message: MessageRecord): void {
    const payload = { ...messagePayload(this.ctx.store, message), channel_type: channel.type };
    this.ctx.bus.emit({
      t,
      d: payload,
      guildId: channel.guildId,
      userIds: channel.recipientIds,
      intent: channel.guildId ? Intent.GuildMessages : Intent.DirectMessages,
      // DMs always carry content; in guilds the author and the pinged see it without the intent.
      ...(channel.guildId ? { content: { redacted: withoutContent(payload), visibleTo: [message.authorId, ...message.mentionIds] } } : {}),
    });
  }
}

/** Refuses content over 2,000 characters with Discord's 50035 body. */
function checkContent(content: string): void {
  if (content.length > MAX_CONTENT_LENGTH) {
    throw discordErrors.invalidFormBody(fieldError(["content"], "BASE_TYPE_MAX_LENGTH", `Must be ${MAX_CONTENT_LENGTH} or fewer in length.`));
  }
}

/** Picks a history page from messages sorted oldest first; the result is newest first. */
export function selectHistory(all: readonly MessageRecord[], query: HistoryQuery): MessageRecord[] {
  const limit = Math.min(Math.max(query.limit ?? 50, 1), 100);
  const big = (id: string) => BigInt(id);
  let page: readonly MessageRecord[];
  if (query.around) {
    const pivot = big(query.around);
    const index = all.findIndex((m) => big(m.id) >= pivot);
    const center = index < 0 ? all.length : index;
    const start = Math.max(0, center - Math.floor(limit / 2));
    page = all.slice(start, start + limit);
  } else if (query.after) {
    const after = big(query.after);
    page = all.filter((m) => big(m.id) > after).slice(0, limit);
  } else {
    const before = query.before ? big(query.before) : null;
    const older = before === null ? all : all.filter((m) => big(m.id) < before);
    page = older.slice(Math.max(0, older.length - limit));
  }
  return [...page].reverse();
}
