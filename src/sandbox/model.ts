import { z } from "zod";

// The sandbox's own records. They are also the persisted state format, hence zod schemas:
// a state file is input like any other and is parsed, not trusted.

const id = z.string().regex(/^\d{17,20}$/);

export const userSchema = z.object({
  id,
  username: z.string(),
  globalName: z.string().nullable(),
  discriminator: z.string(),
  bot: z.boolean(),
  avatar: z.string().nullable(),
});
export type UserRecord = z.infer<typeof userSchema>;

export const applicationSchema = z.object({
  id,
  name: z.string(),
  botUserId: id,
  token: z.string(),
  messageContentIntent: z.boolean(),
  membersIntent: z.boolean(),
  presenceIntent: z.boolean(),
  description: z.string().default(""),
  /** A verified app cannot change its intent flags through the API (the sandbox's switch for the portal fallback). */
  verified: z.boolean().default(false),
});
export type ApplicationRecord = z.infer<typeof applicationSchema>;

export const roleSchema = z.object({
  id,
  name: z.string(),
  permissions: z.string().regex(/^\d+$/),
  position: z.number().int(),
  managed: z.boolean(),
  botId: id.nullable(),
  mentionable: z.boolean(),
});
export type RoleRecord = z.infer<typeof roleSchema>;

export const memberSchema = z.object({
  userId: id,
  joinedAt: z.string(),
  roleIds: z.array(id),
  nick: z.string().nullable(),
});
export type MemberRecord = z.infer<typeof memberSchema>;

export const guildSchema = z.object({
  id,
  name: z.string(),
  ownerId: id,
  roles: z.array(roleSchema),
  members: z.array(memberSchema),
  channelIds: z.array(id),
});
export type GuildRecord = z.infer<typeof guildSchema>;

/** A thread's own state (channel types 11 public and 12 private thread). */
export const threadSchema = z.object({
  parentId: id,
  ownerId: id,
  archived: z.boolean(),
  autoArchiveDuration: z.number().int(),
  archiveTimestamp: z.string(),
  locked: z.boolean(),
  invitable: z.boolean(),
  createTimestamp: z.string(),
  /** Messages in the thread now (the starter message is not one) and ever sent. */
  messageCount: z.number().int(),
  totalMessageSent: z.number().int(),
  members: z.array(z.object({ userId: id, joinedAt: z.string() })),
});
export type ThreadRecord = z.infer<typeof threadSchema>;

/** Channel types the sandbox has: 0 guild text, 1 DM, 11 public thread, 12 private thread. */
export const channelSchema = z.object({
  id,
  type: z.union([z.literal(0), z.literal(1), z.literal(11), z.literal(12)]),
  guildId: id.nullable(),
  name: z.string().nullable(),
  topic: z.string().nullable(),
  position: z.number().int(),
  recipientIds: z.array(id),
  lastMessageId: id.nullable(),
  /** Set for threads (types 11 and 12) only. */
  thread: threadSchema.nullable().default(null),
});
export type ChannelRecord = z.infer<typeof channelSchema>;

/** An uploaded file on a message (its bytes are a FileRecord of the same id). */
export const attachmentSchema = z.object({
  id,
  filename: z.string(),
  size: z.number().int(),
  contentType: z.string().nullable(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  description: z.string().nullable(),
});
export type AttachmentRecord = z.infer<typeof attachmentSchema>;

/** The bytes of an attachment (base64), served at /attachments/:channel/:id/:filename. */
export const fileSchema = z.object({ id, channelId: id, data: z.string() });
export type FileRecord = z.infer<typeof fileSchema>;

export const emojiSchema = z.object({ id: id.nullable(), name: z.string() });
export type EmojiRecord = z.infer<typeof emojiSchema>;

export const messageSchema = z.object({
  id,
  channelId: id,
  authorId: id,
  webhook: z.object({ id, username: z.string(), avatar: z.string().nullable() }).nullable(),
  content: z.string(),
  embeds: z.array(z.record(z.string(), z.unknown())),
  mentionIds: z.array(id),
  mentionRoleIds: z.array(id),
  mentionEveryone: z.boolean(),
  repliedUserPinged: z.boolean(),
  reference: z.object({ messageId: id, channelId: id, guildId: id.nullable() }).nullable(),
  type: z.number().int(),
  timestamp: z.string(),
  editedTimestamp: z.string().nullable(),
  nonce: z.string().nullable(),
  tts: z.boolean(),
  reactions: z.array(z.object({ emoji: emojiSchema, userIds: z.array(id) })),
  components: z.array(z.record(z.string(), z.unknown())).default([]),
  /** Message flags (64 EPHEMERAL, 128 LOADING, 4 SUPPRESS_EMBEDS, 4096 SUPPRESS_NOTIFICATIONS). */
  flags: z.number().int().default(0),
  /** The app whose interaction created it (the message then carries `webhook_id`/`application_id`). */
  applicationId: id.nullable().default(null),
  interaction: z.object({ id, type: z.number().int(), userId: id, name: z.string() }).nullable().default(null),
  /** An ephemeral message: only this user sees it; never dispatched to bots. */
  ephemeralFor: id.nullable().default(null),
  attachments: z.array(attachmentSchema).default([]),
});
export type MessageRecord = z.infer<typeof messageSchema>;

export const webhookSchema = z.object({
  id,
  token: z.string(),
  channelId: id,
  guildId: id,
  name: z.string(),
  avatar: z.string().nullable(),
  creatorId: id,
  applicationId: id.nullable(),
});
export type WebhookRecord = z.infer<typeof webhookSchema>;

/** A registered application command (global when `guildId` is null); `options` are stored as validated JSON. */
export const commandSchema = z.object({
  id,
  applicationId: id,
  guildId: id.nullable(),
  type: z.number().int(),
  name: z.string(),
  description: z.string(),
  options: z.array(z.record(z.string(), z.unknown())),
  defaultMemberPermissions: z.string().nullable(),
  contexts: z.array(z.number().int()).nullable(),
  nsfw: z.boolean(),
  version: id,
});
export type CommandRecord = z.infer<typeof commandSchema>;

/** An uploaded avatar image, served at /avatars/:user_id/:hash.png. */
export const avatarSchema = z.object({ userId: id, hash: z.string(), type: z.string(), data: z.string() });
export type AvatarRecord = z.infer<typeof avatarSchema>;

export const snapshotSchema = z.object({
  version: z.literal(1),
  users: z.array(userSchema),
  applications: z.array(applicationSchema),
  guilds: z.array(guildSchema),
  channels: z.array(channelSchema),
  messages: z.array(messageSchema),
  webhooks: z.array(webhookSchema),
  commands: z.array(commandSchema).default([]),
  avatars: z.array(avatarSchema).default([]),
  files: z.array(fileSchema).default([]),
});
export type StateSnapshot = z.infer<typeof snapshotSchema>;
