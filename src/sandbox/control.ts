import type { Accounts, CreatedApplication, IntentSettings } from "./accounts.js";
import type { Invocation } from "./command-invocation.js";
import { commandPayload, type Commands } from "./commands.js";
import { SandboxError } from "./errors.js";
import type { SandboxContext } from "./events.js";
import type { FaultInjector, FaultMatch } from "./faults.js";
import type { Gateway } from "./gateway.js";
import type { Interactions } from "./interactions.js";
import type { AllowedMentions } from "./mentions.js";
import type { Messages } from "./messages.js";
import type { ApplicationRecord } from "./model.js";
import { applicationFlags } from "./profiles.js";
import { channelPayload } from "./payloads.js";
import { compareIds } from "./store.js";
import { canView } from "./thread-access.js";
import type { RateLimit, RateLimiter } from "./ratelimit.js";
import type { UploadedFile } from "./attachments.js";
import type { ThreadEdit, ThreadInput, Threads } from "./threads.js";

/** Where the sandbox serves a user's avatar (relative to the sandbox's URL), or null without one. */
export function avatarUrl(userId: string, hash: string | null): string | null {
  return hash ? `/avatars/${userId}/${hash}.png` : null;
}

/** A guild as the portal lists it. */
export interface PortalGuild {
  id: string;
  name: string;
  channels: { id: string; name: string; type: number }[];
  /** `online`: a bot is online while a client is connected to the gateway; humans always count as online. */
  members: { id: string; username: string; bot: boolean; online: boolean }[];
}

/** An application as the portal shows it (never with its token). */
export interface ApplicationInfo {
  application_id: string;
  bot_user_id: string;
  name: string;
  message_content_intent: boolean;
  server_members_intent: boolean;
  presence_intent: boolean;
  /** The application flags as `GET /applications/@me` reports them (1 << 19: message content, limited). */
  flags: number;
  description: string;
  /** A verified app cannot switch its intents through `PATCH /applications/@me`. */
  verified: boolean;
  /** The bot user's current name and avatar hash (served at `avatar_url`). */
  bot_username: string;
  avatar: string | null;
  avatar_url: string | null;
}

/** Portal settings of an application: the intent switches and the sandbox's "verified" mark. */
export interface ApplicationSettings extends IntentSettings {
  verified?: boolean | undefined;
}

/** A command as the control API lists it: Discord's object plus whether it is the guild's or the app's global one. */
export type ControlCommand = Record<string, unknown> & { application_id: string; scope: "guild" | "global" };

/** Options of a message a human posts through the control API. */
export interface HumanMessageOptions {
  message_reference?: { message_id: string } | undefined;
  allowed_mentions?: AllowedMentions | undefined;
  /** Files to attach (Discord's limits apply: 10 files, 10 MiB each). */
  files?: UploadedFile[] | undefined;
}

/** An event as humans (web chat, tests) observe it. */
export interface ObservedEvent {
  t: string;
  d: Record<string, unknown>;
}

/** In-process twin of the /portal and /control HTTP routes. Methods throw SandboxError or DiscordError. */
export interface SandboxControl {
  /** Guilds with channels and members (with presence). */
  guilds(): PortalGuild[];
  /** Id of a channel by name ("general", "debate") in the given or first guild. */
  channelId(name: string, guildId?: string): string;
  /** Id of the seeded (first) guild. */
  guildId(): string;
  createUser(username: string): { id: string };
  /** A further guild (#general, #debate) owned by an existing human; bots join it with addBotToGuild. */
  createGuild(name: string, ownerId: string): { id: string };
  createApplication(name: string, intents?: IntentSettings): CreatedApplication;
  applications(): ApplicationInfo[];
  resetToken(applicationId: string): { token: string };
  updateApplication(applicationId: string, settings: ApplicationSettings): ApplicationInfo;
  /** The OAuth2 invite step; announces GUILD_CREATE to the bot and GUILD_MEMBER_ADD to the guild. */
  addBotToGuild(guildId: string, applicationId: string): void;
  /** Grants/removes Manage Messages on the bot's role (remove it to provoke 403/50013). */
  setManageMessages(guildId: string, botUserId: string, allowed: boolean): void;
  openDm(userId: string, recipientId: string): { channel_id: string };
  /** Posts as a human and dispatches it like any message; returns the message object. */
  postMessage(channelId: string, authorId: string, content: string, options?: HumanMessageOptions): Record<string, unknown>;
  /** A person deletes a message: their own, or another's with Manage Messages (Discord's rules; MESSAGE_DELETE goes out). */
  deleteMessage(channelId: string, messageId: string, authorId: string): void;
  /** A person starts a thread: from `message_id` (public), else standalone (`type` 11 public or 12 private, default 11 here). */
  createThread(channelId: string, authorId: string, input: ThreadInput & { message_id?: string | undefined }): Record<string, unknown>;
  /** A person archives/unarchives, locks or renames a thread (their permissions apply). */
  editThread(threadId: string, authorId: string, edit: ThreadEdit): Record<string, unknown>;
  /** The threads of a channel (active first, newest first), as `viewerId` sees them. */
  threads(channelId: string, viewerId?: string): Record<string, unknown>[];
  /** Every stored message of the channel, oldest first, with full content; ephemeral ones only for their `viewerId`. */
  listMessages(channelId: string, viewerId?: string): Record<string, unknown>[];
  /** Every command usable in the guild: its guild commands and the global commands of apps in it. */
  guildCommands(guildId: string): ControlCommand[];
  /** A person runs a slash command ("bobb create", options by name); returns the interaction's id. */
  runCommand(invocation: Invocation): { interaction_id: string };
  /** An interaction's responses (each with `ephemeral`) and its open modal, or null. */
  interaction(interactionId: string): Record<string, unknown>;
  /** Submits the modal an interaction opened, values by input custom_id; returns the MODAL_SUBMIT interaction's id. */
  submitModal(interactionId: string, values: Record<string, string>): { interaction_id: string };
  /** A person clicks a button; returns the MESSAGE_COMPONENT interaction's id. */
  clickComponent(messageId: string, userId: string, customId: string): { interaction_id: string };
  startTyping(channelId: string, authorId: string): void;
  isOnline(userId: string): boolean;
  /** The user's gateway sessions that have a connection now (one per logged-in client). */
  connections(userId: string): number;
  /** Cuts the user's gateway connections without a close frame (clients resume). Returns the count. */
  dropConnection(userId: string): number;
  /** Sends one dispatch with any `d` (e.g. a malformed payload) to the user's clients only; returns how many sessions got it. */
  sendRawDispatch(userId: string, t: string, d: Record<string, unknown>): number;
  /** Sends op 7 Reconnect to the user's clients. Returns the count. */
  requestReconnect(userId: string): number;
  failNextRest(count: number, status?: number, match?: FaultMatch): void;
  slowNextRest(count: number, delayMs: number, match?: FaultMatch): void;
  clearFaults(): void;
  /** Resolves once no slowed REST call is still held back. */
  restIdle(): Promise<void>;
  /** Sets the limit of a route such as "POST /channels/:channel_id/messages" (null restores the default). */
  setRateLimit(route: string, limit: RateLimit | null): void;
  /** Subscribes to what humans see (messages, typing, presence, members, DM channels); ephemeral messages only for `viewerId`. */
  onEvent(listener: (event: ObservedEvent) => void, viewerId?: string): () => void;
  gatewayStats(): { connections: number; sessions: number };
}

/** Builds the control object over the sandbox's services. */
export function createControl(deps: {
  ctx: SandboxContext;
  accounts: Accounts;
  messages: Messages;
  gateway: Gateway;
  faults: FaultInjector;
  limiter: RateLimiter;
  commands: Commands;
  interactions: Interactions;
  threads: Threads;
}): SandboxControl {
  const { ctx, accounts, messages, gateway, faults, limiter, commands, interactions, threads } = deps;
  const store = ctx.store;
  const info = (app: ApplicationRecord): ApplicationInfo => ({
    application_id: app.id,
    bot_user_id: app.botUserId,
    name: app.name,
    message_content_intent: app.messageContentIntent,
    server_members_intent: app.membersIntent,
    presence_intent: app.presenceIntent,
    flags: applicationFlags(app),
    description: app.description,
    verified: app.verified,
    bot_username: store.users.get(app.botUserId)?.username ?? app.name,
    avatar: store.users.get(app.botUserId)?.avatar ?? null,
    avatar_url: avatarUrl(app.botUserId, store.users.get(app.botUserId)?.avatar ?? null),
  });
  const human = (userId: string) => {
    const user = accounts.user(userId);
    if (user.bot) throw new SandboxError(400, "not_a_human", `user ${userId} is a bot; bots post through the REST API with their token`);
    return user;
  };
  const firstGuild = () => {
    const guild = store.guilds.values().next().value;
    if (!guild) throw new SandboxError(404, "unknown_guild", "the sandbox has no guild (seed disabled?)");
    return guild;
  };

  return {
    guilds: () =>
      [...store.guilds.values()].map((guild) => ({
        id: guild.id,
        name: guild.name,
        channels: guild.channelIds.flatMap((id) => {
          const channel = store.channels.get(id);
          return channel ? [{ id: channel.id, name: channel.name ?? "", type: channel.type }] : [];
        }),
        members: guild.members.flatMap((m) => {
          const user = store.users.get(m.userId);
          return user ? [{ id: user.id, username: user.username, bot: user.bot, online: user.bot ? gateway.isOnline(user.id) : true }] : [];
        }),
      })),
    channelId: (name, guildId) => {
      const guild = guildId ? accounts.guild(guildId) : firstGuild();
      const id = guild.channelIds.find((c) => store.channels.get(c)?.name === name.replace(/^#/, ""));
      if (!id) throw new SandboxError(404, "unknown_channel", `no channel #${name} in ${guild.name}`);
      return id;
    },
    guildId: () => firstGuild().id,
    createUser: (username) => {
      const user = accounts.createHuman(username);
      const guild = store.guilds.values().next().value; // humans join the seeded guild
      if (guild) accounts.addMember(guild.id, user.id);
      return { id: user.id };
    },
    createGuild: (name, ownerId) => ({ id: accounts.createGuild(name, human(ownerId).id).id }),
    createApplication: (name, intents) => accounts.createApplication(name, intents),
    applications: () => [...store.applications.values()].map(info),
    resetToken: (applicationId) => {
      const app = accounts.application(applicationId);
      const token = accounts.resetToken(applicationId);
      gateway.closeUser(app.botUserId, 4004, "Authentication failed.");
      return { token };
    },
    updateApplication: (applicationId, { verified, ...settings }) => {
      const app = accounts.updateIntents(applicationId, settings);
      if (verified !== undefined) app.verified = verified;
      store.touch();
      return info(app);
    },
    addBotToGuild: (guildId, applicationId) => {
      const app = accounts.application(applicationId);
      if (accounts.addMember(guildId, app.botUserId)) gateway.sendGuildCreate(app.botUserId, guildId);
    },
    setManageMessages: (guildId, botUserId, allowed) => accounts.setManageMessages(guildId, botUserId, allowed),
    openDm: (userId, recipientId) => ({ channel_id: accounts.openDm(userId, recipientId).id }),
    postMessage: (channelId, authorId, content, options = {}) => {
      human(authorId);
      const message = messages.create(authorId, channelId, {
        content,
        message_reference: options.message_reference,
        allowed_mentions: options.allowed_mentions,
        files: options.files,
      });
      return messages.payload(message);
    },
    deleteMessage: (channelId, messageId, authorId) => messages.delete(human(authorId).id, channelId, messageId),
    createThread: (channelId, authorId, { message_id, ...input }) => {
      human(authorId);
      const thread = message_id ? threads.fromMessage(authorId, channelId, message_id, input) : threads.standalone(authorId, channelId, { type: 11, ...input });
      return channelPayload(store, thread, authorId);
    },
    editThread: (threadId, authorId, edit) => channelPayload(store, threads.edit(human(authorId).id, threadId, edit), authorId),
    threads: (channelId, viewerId) => {
      if (!store.channels.has(channelId)) throw new SandboxError(404, "unknown_channel", `no channel ${channelId}`);
      const all = [...store.channels.values()].filter((c) => c.thread?.parentId === channelId && (!viewerId || canView(store, c, viewerId)));
      all.sort((a, b) => Number(a.thread?.archived) - Number(b.thread?.archived) || compareIds(b.id, a.id));
      return all.map((c) => channelPayload(store, c, viewerId));
    },
    listMessages: (channelId, viewerId) => {
      if (!store.channels.has(channelId)) throw new SandboxError(404, "unknown_channel", `no channel ${channelId}`);
      const visible = store.messagesIn(channelId).filter((m) => !m.ephemeralFor || m.ephemeralFor === viewerId);
      return visible.map((m) => ({ ...messages.payload(m, viewerId), ...(m.ephemeralFor ? { ephemeral: true } : {}) }));
    },
    guildCommands: (guildId) => {
      accounts.guild(guildId);
      return commands.usableIn(guildId).map(({ command, scope }) => ({ ...commandPayload(command), application_id: command.applicationId, scope }));
    },
    runCommand: (invocation) => ({ interaction_id: interactions.invoke(invocation) }),
    interaction: (interactionId) => interactions.view(interactionId),
    submitModal: (interactionId, values) => ({ interaction_id: interactions.submitModal(interactionId, values) }),
    clickComponent: (messageId, userId, customId) => ({ interaction_id: interactions.click(messageId, userId, customId) }),
    startTyping: (channelId, authorId) => messages.typing(human(authorId).id, channelId),
    isOnline: (userId) => gateway.isOnline(userId),
    connections: (userId) => gateway.connectionCount(userId),
    dropConnection: (userId) => gateway.drop(userId),
    requestReconnect: (userId) => gateway.requestReconnect(userId),
    sendRawDispatch: (userId, t, d) => {
      accounts.user(userId);
      ctx.bus.emit({ t, d, guildId: null, userIds: [userId], intent: 0, gatewayOnly: true });
      return gateway.sessionCount(userId);
    },
    failNextRest: (count, status = 500, match = {}) => faults.failNext(count, status, match),
    slowNextRest: (count, delayMs, match = {}) => faults.slowNext(count, delayMs, match),
    clearFaults: () => faults.clear(),
    restIdle: () => faults.idle(),
    setRateLimit: (route, limit) => limiter.setRoute(route, limit),
    onEvent: (listener, viewerId) =>
      ctx.bus.subscribe((event) => {
        if (event.gatewayOnly || (event.ephemeralFor && event.ephemeralFor !== viewerId)) return;
        listener({ t: event.t, d: event.ephemeralFor ? { ...event.d, ephemeral: true } : event.d });
      }),
    gatewayStats: () => gateway.stats(),
  };
}
