import type { ChannelRecord, GuildRecord, MemberRecord, MessageRecord, RoleRecord, UserRecord, WebhookRecord } from "./model.js";
import type { SandboxStore } from "./store.js";
import { canView } from "./thread-access.js";
import { attachmentPayload, threadPayload } from "./thread-payloads.js";

/** Message flag: a thread was started from this message. */
const HAS_THREAD = 1 << 5;

// Builders for the JSON shapes Discord sends. discord.js iterates arrays without null
// checks, so every list is present (empty rather than missing) and every id is a snowflake.

type Json = Record<string, unknown>;

/** A user object. `bot` is present only for bots, as on Discord. */
export function userPayload(user: UserRecord): Json {
  return {
    id: user.id,
    username: user.username,
    discriminator: user.discriminator,
    global_name: user.globalName,
    avatar: user.avatar,
    public_flags: 0,
    flags: 0,
    banner: null,
    accent_color: null,
    avatar_decoration_data: null,
    ...(user.bot ? { bot: true } : {}),
  };
}

/** A guild member; `user` is included unless the member is embedded in a message (Discord omits it there). */
export function memberPayload(member: MemberRecord, user: UserRecord | undefined): Json {
  return {
    ...(user ? { user: userPayload(user) } : {}),
    nick: member.nick,
    avatar: null,
    banner: null,
    roles: member.roleIds,
    joined_at: member.joinedAt,
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0,
    pending: false,
    communication_disabled_until: null,
  };
}

export function rolePayload(role: RoleRecord): Json {
  return {
    id: role.id,
    name: role.name,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position: role.position,
    permissions: role.permissions,
    managed: role.managed,
    mentionable: role.mentionable,
    flags: 0,
    ...(role.botId ? { tags: { bot_id: role.botId } } : {}),
  };
}

/** A channel as `viewerId` sees it (a DM lists the other recipients). */
export function channelPayload(store: SandboxStore, channel: ChannelRecord, viewerId?: string): Json {
  if (channel.thread) return threadPayload(channel, channel.thread, viewerId);
  if (channel.type === 1) {
    const others = channel.recipientIds.filter((id) => id !== viewerId);
    return {
      id: channel.id,
      type: 1,
      last_message_id: channel.lastMessageId,
      flags: 0,
      recipients: others.flatMap((id) => {
        const user = store.users.get(id);
        return user ? [userPayload(user)] : [];
      }),
    };
  }
  return {
    id: channel.id,
    type: 0,
    guild_id: channel.guildId,
    name: channel.name,
    position: channel.position,
    permission_overwrites: [],
    topic: channel.topic,
    nsfw: false,
    last_message_id: channel.lastMessageId,
    rate_limit_per_user: 0,
    parent_id: null,
    flags: 0,
  };
}

/** The REST guild object (no channels or members, as `GET /guilds/:id` returns it). */
export function guildPayload(guild: GuildRecord): Json {
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    description: null,
    owner_id: guild.ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 1,
    explicit_content_filter: 0,
    mfa_level: 0,
    nsfw_level: 0,
    premium_tier: 0,
    premium_subscription_count: 0,
    premium_progress_bar_enabled: false,
    system_channel_id: guild.channelIds[0] ?? null,
    system_channel_flags: 0,
    rules_channel_id: null,
    public_updates_channel_id: null,
    safety_alerts_channel_id: null,
    preferred_locale: "en-US",
    vanity_url_code: null,
    application_id: null,
    widget_enabled: false,
    max_members: 500000,
    max_video_channel_users: 25,
    features: [],
    roles: guild.roles.map(rolePayload),
    emojis: [],
    stickers: [],
  };
}

/** The gateway GUILD_CREATE body: the guild plus channels, the given members and presences. */
export function guildCreatePayload(
  store: SandboxStore,
  guild: GuildRecord,
  viewerId: string,
  members: readonly MemberRecord[],
  presences: readonly Json[],
): Json {
  const channels = guild.channelIds.flatMap((id) => {
    const channel = store.channels.get(id);
    return channel ? [channelPayload(store, channel)] : [];
  });
  return {
    ...guildPayload(guild),
    unavailable: false,
    large: false,
    member_count: guild.members.length,
    joined_at: store.member(guild.id, viewerId)?.joinedAt ?? new Date().toISOString(),
    channels,
    members: members.map((m) => memberPayload(m, store.users.get(m.userId))),
    presences,
    // Active threads the viewer can see (archived ones reach a client only when it asks).
    threads: [...store.channels.values()]
      .filter((c) => c.guildId === guild.id && c.thread && !c.thread.archived && canView(store, c, viewerId))
      .map((c) => channelPayload(store, c, viewerId)),
    voice_states: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

/** A webhook's pseudo-author: the webhook id with the (possibly overridden) name, flagged as a bot. */
function webhookAuthor(webhook: NonNullable<MessageRecord["webhook"]>): Json {
  return {
    id: webhook.id,
    username: webhook.username,
    discriminator: "0000",
    global_name: null,
    avatar: webhook.avatar,
    public_flags: 0,
    flags: 0,
    bot: true,
  };
}

/** A message object; `referenced_message` is nested one level deep, like Discord does. */
export function messagePayload(store: SandboxStore, message: MessageRecord, viewerId?: string, nest = true): Json {
  const channel = store.channels.get(message.channelId);
  const guildId = channel?.guildId ?? null;
  const author = store.users.get(message.authorId);
  const member = guildId && !message.webhook ? store.member(guildId, message.authorId) : undefined;
  const mentions = message.mentionIds.flatMap((id) => {
    const user = store.users.get(id);
    if (!user) return [];
    const mentioned = guildId ? store.member(guildId, id) : undefined;
    return [{ ...userPayload(user), ...(mentioned ? { member: memberPayload(mentioned, undefined) } : {}) }];
  });
  const referenced = message.reference ? store.message(message.reference.messageId) : undefined;
  // A thread started from this message has the message's id.
  const started = store.channels.get(message.id);
  const thread = started?.thread?.parentId === message.channelId ? started : undefined;
  return {
    id: message.id,
    channel_id: message.channelId,
    ...(guildId ? { guild_id: guildId } : {}),
    author: message.webhook ? webhookAuthor(message.webhook) : author ? userPayload(author) : { id: message.authorId },
    ...(member ? { member: memberPayload(member, undefined) } : {}),
    content: message.content,
    timestamp: message.timestamp,
    edited_timestamp: message.editedTimestamp,
    tts: message.tts,
    mention_everyone: message.mentionEveryone,
    mentions,
    mention_roles: message.mentionRoleIds,
    attachments: message.attachments.map((a) => attachmentPayload(store.baseUrl, message.channelId, a)),
    embeds: message.embeds,
    pinned: false,
    type: message.type,
    flags: thread ? message.flags | HAS_THREAD : message.flags,
    ...(thread ? { thread: channelPayload(store, thread, viewerId) } : {}),
    components: message.components,
    // An interaction's answer carries its application's id as webhook_id; an app-owned webhook's message its own webhook id.
    ...(message.applicationId ? { webhook_id: message.applicationId, application_id: message.applicationId } : {}),
    ...(message.webhook ? { webhook_id: message.webhook.id } : {}),
    ...(message.interaction ? interactionMetadata(store, message.interaction) : {}),
    ...(message.nonce !== null ? { nonce: message.nonce } : {}),
    ...(message.reactions.length > 0
      ? {
          reactions: message.reactions.map((r) => ({
            emoji: r.emoji,
            count: r.userIds.length,
            count_details: { burst: 0, normal: r.userIds.length },
            me: viewerId !== undefined && r.userIds.includes(viewerId),
            me_burst: false,
            burst_colors: [],
          })),
        }
      : {}),
    ...(message.reference
      ? {
          message_reference: {
            type: 0,
            message_id: message.reference.messageId,
            channel_id: message.reference.channelId,
            ...(message.reference.guildId ? { guild_id: message.reference.guildId } : {}),
          },
          ...(nest ? { referenced_message: referenced ? messagePayload(store, referenced, viewerId, false) : null } : {}),
        }
      : {}),
  };
}

/** `interaction_metadata` (and the deprecated `interaction`) of a message an interaction created. */
function interactionMetadata(store: SandboxStore, meta: NonNullable<MessageRecord["interaction"]>): Json {
  const user = store.users.get(meta.userId);
  const userJson = user ? userPayload(user) : { id: meta.userId };
  return {
    interaction_metadata: { id: meta.id, type: meta.type, user: userJson, authorizing_integration_owners: {}, ...(meta.type === 2 ? { name: meta.name } : {}) },
    interaction: { id: meta.id, type: meta.type, name: meta.name, user: userJson },
  };
}

/** The same message with content-bearing fields emptied, as sent to a bot without MESSAGE_CONTENT. */
export function withoutContent(payload: Json): Json {
  const referenced = payload["referenced_message"];
  return {
    ...payload,
    content: "",
    embeds: [],
    attachments: [],
    components: [],
    ...(referenced && typeof referenced === "object" ? { referenced_message: withoutContent(referenced as Json) } : {}),
  };
}

/** A webhook object; the token is included only for its creator's view (as Discord does for incoming webhooks). */
export function webhookPayload(store: SandboxStore, webhook: WebhookRecord): Json {
  const creator = store.users.get(webhook.creatorId);
  return {
    id: webhook.id,
    type: 1,
    guild_id: webhook.guildId,
    channel_id: webhook.channelId,
    name: webhook.name,
    avatar: webhook.avatar,
    token: webhook.token,
    application_id: webhook.applicationId,
    ...(creator ? { user: userPayload(creator) } : {}),
  };
}
