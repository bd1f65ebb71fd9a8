import type {
  ApplicationRecord,
  AvatarRecord,
  ChannelRecord,
  CommandRecord,
  FileRecord,
  GuildRecord,
  MemberRecord,
  MessageRecord,
  StateSnapshot,
  UserRecord,
  WebhookRecord,
} from "./model.js";

// Bounded so a long-running demo cannot grow without limit; Discord keeps more, nobody scrolls that far here.
const MAX_MESSAGES_PER_CHANNEL = 5000;

/** In-memory state of the sandbox with indexed lookups; every mutation calls `onChange` (persistence). */
export class SandboxStore {
  readonly users = new Map<string, UserRecord>();
  readonly applications = new Map<string, ApplicationRecord>();
  readonly guilds = new Map<string, GuildRecord>();
  readonly channels = new Map<string, ChannelRecord>();
  readonly webhooks = new Map<string, WebhookRecord>();
  /** Application commands by id. */
  readonly commands = new Map<string, CommandRecord>();
  /** Avatar images by hash. */
  readonly avatars = new Map<string, AvatarRecord>();
  /** Attachment bytes by attachment id (dropped with their message). */
  readonly files = new Map<string, FileRecord>();
  /** Where the sandbox is reachable (`http://127.0.0.1:PORT`), for absolute attachment URLs; set once listening. */
  baseUrl = "";
  readonly #messagesByChannel = new Map<string, MessageRecord[]>();
  readonly #messages = new Map<string, MessageRecord>();
  readonly #appsByToken = new Map<string, ApplicationRecord>();
  readonly #appsByBot = new Map<string, ApplicationRecord>();

  constructor(private readonly onChange: () => void = () => {}) {}

  /** Marks the state as changed (for callers that mutate a record in place). */
  touch(): void {
    this.onChange();
  }

  addUser(user: UserRecord): void {
    this.users.set(user.id, user);
    this.onChange();
  }

  userByName(username: string): UserRecord | undefined {
    const wanted = username.toLowerCase();
    for (const user of this.users.values()) if (user.username.toLowerCase() === wanted) return user;
    return undefined;
  }

  addApplication(app: ApplicationRecord): void {
    this.applications.set(app.id, app);
    this.#appsByToken.set(app.token, app);
    this.#appsByBot.set(app.botUserId, app);
    this.onChange();
  }

  /** Replaces an application's token; the old one stops resolving at once. */
  setToken(app: ApplicationRecord, token: string): void {
    this.#appsByToken.delete(app.token);
    app.token = token;
    this.#appsByToken.set(token, app);
    this.onChange();
  }

  applicationByToken(token: string): ApplicationRecord | undefined {
    return this.#appsByToken.get(token);
  }

  applicationByBot(userId: string): ApplicationRecord | undefined {
    return this.#appsByBot.get(userId);
  }

  addGuild(guild: GuildRecord): void {
    this.guilds.set(guild.id, guild);
    this.onChange();
  }

  member(guildId: string, userId: string): MemberRecord | undefined {
    return this.guilds.get(guildId)?.members.find((m) => m.userId === userId);
  }

  /** Guilds the user is a member of. */
  guildsOf(userId: string): GuildRecord[] {
    return [...this.guilds.values()].filter((g) => g.members.some((m) => m.userId === userId));
  }

  addChannel(channel: ChannelRecord): void {
    this.channels.set(channel.id, channel);
    this.#messagesByChannel.set(channel.id, this.#messagesByChannel.get(channel.id) ?? []);
    // Threads are not guild channels: GUILD_CREATE lists them apart (`threads`), the channel list never.
    if (channel.guildId && !channel.thread) this.guilds.get(channel.guildId)?.channelIds.push(channel.id);
    this.onChange();
  }

  /** The DM channel between two users, if one exists. */
  dmBetween(a: string, b: string): ChannelRecord | undefined {
    for (const channel of this.channels.values()) {
      if (channel.type === 1 && channel.recipientIds.includes(a) && channel.recipientIds.includes(b)) return channel;
    }
    return undefined;
  }

  /** Messages of a channel, oldest first (ids are time-ordered). */
  messagesIn(channelId: string): readonly MessageRecord[] {
    return this.#messagesByChannel.get(channelId) ?? [];
  }

  message(id: string): MessageRecord | undefined {
    return this.#messages.get(id);
  }

  addMessage(message: MessageRecord): void {
    const list = this.#messagesByChannel.get(message.channelId) ?? [];
    list.push(message);
    this.#messagesByChannel.set(message.channelId, list);
    this.#messages.set(message.id, message);
    if (list.length > MAX_MESSAGES_PER_CHANNEL) {
      const dropped = list.shift();
      if (dropped) this.#forget(dropped);
    }
    const channel = this.channels.get(message.channelId);
    if (channel && !message.ephemeralFor) channel.lastMessageId = message.id;
    this.onChange();
  }

  removeMessage(message: MessageRecord): void {
    const list = this.#messagesByChannel.get(message.channelId);
    if (list) {
      const index = list.indexOf(message);
      if (index >= 0) list.splice(index, 1);
    }
    this.#forget(message);
    this.onChange();
  }

  /** Removes a channel (a deleted thread) with its messages. */
  removeChannel(channelId: string): void {
    for (const message of this.#messagesByChannel.get(channelId) ?? []) this.#forget(message);
    this.#messagesByChannel.delete(channelId);
    this.channels.delete(channelId);
    this.onChange();
  }

  #forget(message: MessageRecord): void {
    this.#messages.delete(message.id);
    for (const attachment of message.attachments) this.files.delete(attachment.id);
  }

  addWebhook(webhook: WebhookRecord): void {
    this.webhooks.set(webhook.id, webhook);
    this.onChange();
  }

  removeWebhook(id: string): void {
    this.webhooks.delete(id);
    this.onChange();
  }

  /** A plain copy of the whole state, for the state file. */
  snapshot(): StateSnapshot {
    return {
      version: 1,
      users: [...this.users.values()],
      applications: [...this.applications.values()],
      guilds: [...this.guilds.values()],
      channels: [...this.channels.values()],
      messages: [...this.#messagesByChannel.values()].flat(),
      webhooks: [...this.webhooks.values()],
      commands: [...this.commands.values()],
      avatars: [...this.avatars.values()],
      files: [...this.files.values()],
    };
  }

  /** Loads a snapshot into this (empty) store without triggering saves. */
  load(snapshot: StateSnapshot): void {
    for (const user of snapshot.users) this.users.set(user.id, user);
    for (const app of snapshot.applications) {
      this.applications.set(app.id, app);
      this.#appsByToken.set(app.token, app);
      this.#appsByBot.set(app.botUserId, app);
    }
    for (const guild of snapshot.guilds) this.guilds.set(guild.id, guild);
    for (const channel of snapshot.channels) {
      this.channels.set(channel.id, channel);
      this.#messagesByChannel.set(channel.id, []);
    }
    const sorted = [...snapshot.messages].sort((a, b) => compareIds(a.id, b.id));
    for (const message of sorted) {
      this.#messagesByChannel.get(message.channelId)?.push(message);
      this.#messages.set(message.id, message);
    }
    for (const webhook of snapshot.webhooks) this.webhooks.set(webhook.id, webhook);
    for (const command of snapshot.commands) this.commands.set(command.id, command);
    for (const avatar of snapshot.avatars) this.avatars.set(avatar.hash, avatar);
    for (const file of snapshot.files) this.files.set(file.id, file);
  }
}

/** Orders two snowflakes numerically (string compare is wrong across digit counts). */
export function compareIds(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
