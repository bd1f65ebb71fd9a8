import { DiscordError, discordErrors, fieldError } from "./errors.js";
import { Intent, type SandboxContext } from "./events.js";
import { allowedMentionsError, parseMentions, resolveMentions, type AllowedMentions } from "./mentions.js";
import type { ChannelRecord, MessageRecord } from "./model.js";
import { memberPayload, messagePayload, withoutContent } from "./payloads.js";
import { parseMessageComponents } from "./components.js";
import { EPHEMERAL, LOADING, SETTABLE_FLAGS, type InteractionOrigin } from "./message-flags.js";
import { selectHistory, type HistoryQuery } from "./history.js";
import { hasPermission, Permission } from "./permissions.js";
import { admitPost, audience, canView, refuseIfArchived, sendPermission } from "./thread-access.js";
import { addThreadMember, emitThread } from "./thread-events.js";
import { storeAttachments, type UploadedFile } from "./attachments.js";

/** Discord's hard limit on message content. */
export const MAX_CONTENT_LENGTH = 2000;
/** How long Discord remembers an enforced nonce ("the past few minutes"). */
const NONCE_WINDOW_MS = 5 * 60_000;

/** The fields of a message create/edit request the sandbox understands. */
export interface MessageInput {
  content?: string | null | undefined;
  embeds?: Record<string, unknown>[] | null | undefined;
  nonce?: string | number | null | undefined;
  /** With a nonce: a message by the same author with the same nonce in the last few minutes is returned instead of a new one. */
  enforce_nonce?: boolean | undefined;
  tts?: boolean | undefined;
  allowed_mentions?: AllowedMentions | null | undefined;
  message_reference?: { message_id: string; channel_id?: string | undefined; fail_if_not_exists?: boolean | undefined } | null | undefined;
  components?: Record<string, unknown>[] | null | undefined;
  flags?: number | null | undefined;
  /** Uploaded files (multipart `files[n]`), checked against Discord's limits by the upload reader. */
  files?: readonly UploadedFile[] | undefined;
}

/** A webhook posting a message, with its per-message name/avatar override applied. */
export interface WebhookAuthor {
  id: string;
  username: string;
  avatar: string | null;
  /** The application that owns the webhook (one a bot created): its messages carry `application_id`, as on Discord. */
  applicationId?: string | null | undefined;
}

/** Message create/edit/delete/list, typing and reactions, with Discord's checks and dispatches. */
export class Messages {
  constructor(private readonly ctx: SandboxContext) {}

  /** The channel, if the actor can see it: unknown → 404/10003, not a participant → 403/50001. */
  channelFor(actorId: string, channelId: string): ChannelRecord {
    const channel = this.ctx.store.channels.get(channelId);
    if (!channel) throw discordErrors.unknownChannel();
    if (!canView(this.ctx.store, channel, actorId)) throw discordErrors.missingAccess();
    return channel;
  }

  /** Posts a message as a user (human or bot) or, with `webhook`, as that webhook. */
  create(actorId: string, channelId: string, input: MessageInput, webhook?: WebhookAuthor, origin?: InteractionOrigin): MessageRecord {
    const channel = webhook || origin ? this.#existing(channelId) : this.channelFor(actorId, channelId);
    if (channel.guildId && !webhook && !origin && !hasPermission(this.ctx.store, channel.guildId, actorId, sendPermission(channel))) {
      throw discordErrors.missingPermissions();
    }
    if (channel.type === 1 && !origin) this.#checkDmAllowed(channel);
    const content = input.content ?? "";
    const embeds = input.embeds ?? [];
    const components = parseMessageComponents(input.components);
    checkContent(content);
    const files = input.files ?? [];
    if (content.trim() === "" && embeds.length === 0 && components.length === 0 && files.length === 0 && !origin?.loading) {
      throw discordErrors.emptyMessage();
    }
    const repeated = this.#sameNonce(channel.id, webhook ? webhook.id : actorId, input);
    if (repeated) return repeated;
    const reference = this.#reference(channel, input.message_reference);
    const unarchived = admitPost(this.ctx.store, channel, actorId, this.ctx.now());
    const message: MessageRecord = {
      id: this.ctx.ids.next(),
      channelId: channel.id,
      authorId: webhook ? webhook.id : actorId,
      webhook: webhook ? { id: webhook.id, username: webhook.username, avatar: webhook.avatar } : null,
      content,
      embeds,
      mentionIds: [],
      mentionRoleIds: [],
      mentionEveryone: false,
      repliedUserPinged: false,
      reference,
      type: origin ? origin.messageType : reference ? 19 : 0,
      timestamp: new Date(this.ctx.now()).toISOString(),
      editedTimestamp: null,
      nonce: input.nonce === undefined || input.nonce === null ? null : String(input.nonce),
      tts: input.tts ?? false,
      reactions: [],
      components,
      flags: ((input.flags ?? 0) & SETTABLE_FLAGS) | (origin?.ephemeral ? EPHEMERAL : 0) | (origin?.loading ? LOADING : 0),
      applicationId: origin?.applicationId ?? webhook?.applicationId ?? null,
      interaction: origin ? { id: origin.id, type: origin.type, userId: origin.userId, name: origin.name } : null,
      ephemeralFor: origin?.ephemeral ? origin.userId : null,
      attachments: storeAttachments(this.ctx, channel.id, files),
    };
    this.#applyMentions(message, channel, input.allowed_mentions, webhook !== undefined);
    this.ctx.store.addMessage(message);
    if (channel.thread && !message.ephemeralFor) {
      channel.thread.messageCount += 1;
      channel.thread.totalMessageSent += 1;
      if (unarchived) emitThread(this.ctx, "THREAD_UPDATE", channel);
      // Posting in a thread joins it, as on Discord (webhooks and interaction answers are nobody's membership).
      if (!webhook && !origin) addThreadMember(this.ctx, channel, channel.thread, actorId);
    }
    this.#dispatchMessage("MESSAGE_CREATE", channel, message);
    return message;
  }

  /** Discord's enforce_nonce: the author's message with this nonce from the last few minutes, if any (a retried post). */
  #sameNonce(channelId: string, authorId: string, input: MessageInput): MessageRecord | undefined {
    if (!input.enforce_nonce || input.nonce === undefined || input.nonce === null) return undefined;
    const nonce = String(input.nonce);
    const since = this.ctx.now() - NONCE_WINDOW_MS;
    const recent = this.ctx.store.messagesIn(channelId);
    for (let i = recent.length - 1; i >= 0; i--) {
      const m = recent[i]!;
      if (Date.parse(m.timestamp) < since) break;
      if (m.nonce === nonce && m.authorId === authorId) return m;
    }
    return undefined;
  }

  /** Edits the actor's own message (others' → 403/50005); mentions are re-parsed from the new content. */
  edit(actorId: string, channelId: string, messageId: string, input: MessageInput): MessageRecord {
    const channel = this.channelFor(actorId, channelId);
    const message = this.#message(channel, messageId);
    if (message.authorId !== actorId || message.webhook) throw discordErrors.cannotEditOthers();
    refuseIfArchived(channel);
    return this.update(message, input);
  }

  /** Applies an edit to a message whose right to edit was checked by the caller (the interaction webhook). */
  update(message: MessageRecord, input: MessageInput): MessageRecord {
    const channel = this.#existing(message.channelId);
    if (input.content !== undefined) {
      const content = input.content ?? "";
      checkContent(content);
      message.content = content;
    }
    if (input.embeds !== undefined) message.embeds = input.embeds ?? [];
    if (input.components !== undefined) message.components = parseMessageComponents(input.components);
    if (message.content.trim() === "" && message.embeds.length === 0 && message.components.length === 0) throw discordErrors.emptyMessage();
    // Editing a deferred response ends its "is thinking…" state; that first content is not an edit (no "(edited)").
    const filling = (message.flags & LOADING) !== 0;
    message.flags &= ~LOADING;
    const pinged = message.repliedUserPinged;
    this.#applyMentions(message, channel, input.allowed_mentions, false);
    message.repliedUserPinged = pinged; // an edit never adds or removes the reply ping
    if (!filling) message.editedTimestamp = new Date(this.ctx.now()).toISOString();
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
    this.remove(message);
  }

  /** Removes a message whose right to delete was checked by the caller (the interaction webhook). */
  remove(message: MessageRecord): void {
    const channel = this.#existing(message.channelId);
    this.ctx.store.removeMessage(message);
    if (channel.thread && !message.ephemeralFor) channel.thread.messageCount = Math.max(0, channel.thread.messageCount - 1);
    this.ctx.bus.emit({
      t: "MESSAGE_DELETE",
      d: { id: message.id, channel_id: channel.id, ...(channel.guildId ? { guild_id: channel.guildId } : {}) },
      ...audience(this.ctx.store, channel),
      intent: channel.guildId ? Intent.GuildMessages : Intent.DirectMessages,
      ephemeralFor: message.ephemeralFor,
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
    return selectHistory(
      this.ctx.store.messagesIn(channel.id).filter((m) => !m.ephemeralFor),
      query,
    );
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
      ...audience(this.ctx.store, channel),
      intent: channel.guildId ? Intent.GuildMessageTyping : Intent.DirectMessageTyping,
    });
  }

  /** Adds or removes a unicode reaction by `userId` (custom emoji are unknown here: 10014). */
  react(actorId: string, channelId: string, messageId: string, emojiText: string, add: boolean, userId = actorId): void {
    const channel = this.channelFor(actorId, channelId);
    const message = this.#message(channel, messageId);
    refuseIfArchived(channel);
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
      ...audience(this.ctx.store, channel),
      intent: channel.guildId ? Intent.GuildMessageReactions : Intent.DirectMessageReactions,
    });
  }

  /** Re-sends a message as MESSAGE_UPDATE (a thread was started from it or deleted). */
  announceUpdate(message: MessageRecord): void {
    this.#dispatchMessage("MESSAGE_UPDATE", this.#existing(message.channelId), message);
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
    // Ephemeral messages are reachable only through their interaction's webhook, as on Discord.
    if (!message || message.channelId !== channel.id || message.ephemeralFor) throw discordErrors.unknownMessage();
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
      ...audience(this.ctx.store, channel),
      intent: channel.guildId ? Intent.GuildMessages : Intent.DirectMessages,
      ephemeralFor: message.ephemeralFor,
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
