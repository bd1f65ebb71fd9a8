import { DiscordError, discordErrors } from "./errors.js";
import type { SandboxContext } from "./events.js";
import type { Messages } from "./messages.js";
import type { ChannelRecord, ThreadRecord } from "./model.js";
import { channelPayload } from "./payloads.js";
import { hasPermission, Permission } from "./permissions.js";
import { canView, isThreadMember, PRIVATE_THREAD, PUBLIC_THREAD, refuseIfArchived } from "./thread-access.js";
import { addThreadMember, announceJoin, emitThread, emitThreadDelete, removeThreadMember } from "./thread-events.js";
import { threadMemberPayload } from "./thread-payloads.js";

/** What creating a thread takes (Discord's body; `type` only without a starter message, default 12 as in v9/v10). */
export interface ThreadInput {
  name: string;
  auto_archive_duration?: number | undefined;
  type?: number | undefined;
  invitable?: boolean | undefined;
}

/** What a thread's PATCH may change. */
export interface ThreadEdit {
  name?: string | undefined;
  archived?: boolean | undefined;
  locked?: boolean | undefined;
  auto_archive_duration?: number | undefined;
  invitable?: boolean | undefined;
}

type Json = Record<string, unknown>;

/** Threads: created from a message or on their own, archived and locked, joined and left, with Discord's checks. */
export class Threads {
  constructor(
    private readonly ctx: SandboxContext,
    private readonly messages: Messages,
  ) {}

  /** A public thread started from a message; the thread takes the message's id (a second one: 160004). */
  fromMessage(actorId: string, channelId: string, messageId: string, input: ThreadInput): ChannelRecord {
    const parent = this.#parent(actorId, channelId, Permission.CreatePublicThreads);
    const message = this.messages.get(actorId, parent.id, messageId);
    if (this.ctx.store.channels.has(message.id)) throw discordErrors.threadAlreadyCreated();
    const thread = this.#create(actorId, parent, message.id, PUBLIC_THREAD, input);
    this.messages.announceUpdate(message);
    return thread;
  }

  /** A thread without a starter message: private (12, the default) or public (11). */
  standalone(actorId: string, channelId: string, input: ThreadInput): ChannelRecord {
    const type = input.type ?? PRIVATE_THREAD;
    if (type !== PUBLIC_THREAD && type !== PRIVATE_THREAD) {
      throw discordErrors.invalidFormBody({ type: { _errors: [{ code: "BASE_TYPE_CHOICES", message: "Value must be one of {11, 12}." }] } });
    }
    const needed = type === PUBLIC_THREAD ? Permission.CreatePublicThreads : Permission.CreatePrivateThreads;
    return this.#create(actorId, this.#parent(actorId, channelId, needed), this.ctx.ids.next(), type, input);
  }

  /** Renames, archives/unarchives, locks: unarchiving an unlocked thread needs only Send Messages in Threads. */
  edit(actorId: string, threadId: string, edit: ThreadEdit): ChannelRecord {
    const { channel, thread } = this.#thread(actorId, threadId);
    const guildId = channel.guildId ?? "";
    const manager = hasPermission(this.ctx.store, guildId, actorId, Permission.ManageThreads);
    const owner = thread.ownerId === actorId;
    if (thread.archived && edit.archived !== false) throw new DiscordError(400, 50083, "Thread is archived");
    const unarchiveOnly = edit.archived === false && Object.keys(edit).every((k) => k === "archived") && !thread.locked;
    const allowed = manager || unarchiveOnly || (owner && edit.locked === undefined && !(thread.locked && edit.archived === false));
    if (!allowed || !hasPermission(this.ctx.store, guildId, actorId, Permission.SendMessagesInThreads)) throw discordErrors.missingPermissions();
    if (edit.name !== undefined) channel.name = checkName(edit.name);
    if (edit.auto_archive_duration !== undefined) thread.autoArchiveDuration = checkDuration(edit.auto_archive_duration);
    if (edit.locked !== undefined) thread.locked = edit.locked;
    if (edit.invitable !== undefined && channel.type === PRIVATE_THREAD) thread.invitable = edit.invitable;
    if (edit.archived !== undefined && edit.archived !== thread.archived) {
      thread.archived = edit.archived;
      thread.archiveTimestamp = new Date(this.ctx.now()).toISOString();
    }
    this.ctx.store.touch();
    emitThread(this.ctx, "THREAD_UPDATE", channel);
    return channel;
  }

  /** Deletes a thread and its messages (Manage Threads); returns the channel as it was. */
  delete(actorId: string, threadId: string): Json {
    const { channel, thread } = this.#thread(actorId, threadId);
    if (!hasPermission(this.ctx.store, channel.guildId ?? "", actorId, Permission.ManageThreads)) throw discordErrors.missingPermissions();
    const payload = channelPayload(this.ctx.store, channel);
    emitThreadDelete(this.ctx, channel, thread);
    this.ctx.store.removeChannel(channel.id);
    const starter = this.ctx.store.message(channel.id);
    if (starter) this.messages.announceUpdate(starter);
    return payload;
  }

  /** Adds `userId` (the actor by default) to the thread; a private, non-invitable thread takes only its owner's or a manager's invites. */
  join(actorId: string, threadId: string, userId = actorId): void {
    const { channel, thread } = this.#thread(actorId, threadId);
    refuseIfArchived(channel);
    if (!this.ctx.store.member(channel.guildId ?? "", userId)) throw discordErrors.unknownMember();
    if (userId !== actorId) {
      const manager = hasPermission(this.ctx.store, channel.guildId ?? "", actorId, Permission.ManageThreads);
      const mayInvite = channel.type === PUBLIC_THREAD || thread.invitable || thread.ownerId === actorId || manager;
      if (!mayInvite || !hasPermission(this.ctx.store, channel.guildId ?? "", actorId, Permission.SendMessagesInThreads)) {
        throw discordErrors.missingPermissions();
      }
    }
    addThreadMember(this.ctx, channel, thread, userId);
  }

  /** Removes `userId` (the actor by default): others only with Manage Threads or as a private thread's owner. */
  leave(actorId: string, threadId: string, userId = actorId): void {
    const { channel, thread } = this.#thread(actorId, threadId);
    refuseIfArchived(channel);
    if (userId !== actorId) {
      const manager = hasPermission(this.ctx.store, channel.guildId ?? "", actorId, Permission.ManageThreads);
      if (!manager && !(channel.type === PRIVATE_THREAD && thread.ownerId === actorId)) throw discordErrors.missingPermissions();
    }
    if (!isThreadMember(thread, userId) && userId !== actorId) throw discordErrors.unknownMember();
    removeThreadMember(this.ctx, channel, thread, userId);
  }

  /** Thread members, oldest first; bots need the Server Members intent switched on, as on Discord. */
  members(actorId: string, threadId: string): Json[] {
    const { channel, thread } = this.#thread(actorId, threadId);
    this.#needMembersIntent(actorId);
    return thread.members.map((m) => threadMemberPayload(channel.id, m));
  }

  member(actorId: string, threadId: string, userId: string): Json {
    const { channel, thread } = this.#thread(actorId, threadId);
    this.#needMembersIntent(actorId);
    const found = thread.members.find((m) => m.userId === userId);
    if (!found) throw discordErrors.unknownMember();
    return threadMemberPayload(channel.id, found);
  }

  /** `GET /guilds/:id/threads/active` (or, with `archived`, a channel's archived public threads): threads plus the actor's memberships. */
  list(actorId: string, match: (channel: ChannelRecord) => boolean): { threads: Json[]; members: Json[]; has_more: boolean } {
    const visible = [...this.ctx.store.channels.values()].filter((c) => c.thread && match(c) && canView(this.ctx.store, c, actorId));
    return {
      threads: visible.map((c) => channelPayload(this.ctx.store, c, actorId)),
      members: visible.flatMap((c) => (c.thread?.members ?? []).filter((m) => m.userId === actorId).map((m) => threadMemberPayload(c.id, m))),
      has_more: false,
    };
  }

  #create(actorId: string, parent: ChannelRecord, id: string, type: 11 | 12, input: ThreadInput): ChannelRecord {
    const now = new Date(this.ctx.now()).toISOString();
    const thread: ThreadRecord = {
      parentId: parent.id,
      ownerId: actorId,
      archived: false,
      autoArchiveDuration: checkDuration(input.auto_archive_duration ?? 4320),
      archiveTimestamp: now,
      locked: false,
      invitable: input.invitable ?? true,
      createTimestamp: now,
      messageCount: 0,
      totalMessageSent: 0,
      members: [],
    };
    const name = checkName(input.name);
    const channel: ChannelRecord = { id, type, guildId: parent.guildId, name, topic: null, position: 0, recipientIds: [], lastMessageId: null, thread };
    this.ctx.store.addChannel(channel);
    // The creator joins at once, so a private thread is never without a viewer.
    const creator = { userId: actorId, joinedAt: now };
    thread.members.push(creator);
    emitThread(this.ctx, "THREAD_CREATE", channel);
    announceJoin(this.ctx, channel, thread, creator);
    return channel;
  }

  #parent(actorId: string, channelId: string, needed: bigint): ChannelRecord {
    const channel = this.messages.channelFor(actorId, channelId);
    if (!channel.guildId) throw new DiscordError(400, 50003, "Cannot execute action on a DM channel");
    if (channel.type !== 0) throw new DiscordError(400, 50024, "Cannot execute action on this channel type");
    if (!hasPermission(this.ctx.store, channel.guildId, actorId, needed)) throw discordErrors.missingPermissions();
    return channel;
  }

  #thread(actorId: string, threadId: string): { channel: ChannelRecord; thread: ThreadRecord } {
    const channel = this.messages.channelFor(actorId, threadId);
    if (!channel.thread) throw new DiscordError(400, 50024, "Cannot execute action on this channel type");
    return { channel, thread: channel.thread };
  }

  #needMembersIntent(actorId: string): void {
    const app = this.ctx.store.applicationByBot(actorId);
    if (app && !app.membersIntent) throw discordErrors.missingAccess();
  }
}

function checkName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length < 1 || trimmed.length > 100) {
    throw discordErrors.invalidFormBody({ name: { _errors: [{ code: "BASE_TYPE_BAD_LENGTH", message: "Must be between 1 and 100 in length." }] } });
  }
  return trimmed;
}

/** Auto-archive after 60, 1440, 4320 or 10080 minutes of inactivity (stored; the sandbox never archives by itself). */
function checkDuration(minutes: number): number {
  if (![60, 1440, 4320, 10080].includes(minutes)) {
    throw discordErrors.invalidFormBody({
      auto_archive_duration: { _errors: [{ code: "BASE_TYPE_CHOICES", message: "Value must be one of {60, 1440, 4320, 10080}." }] },
    });
  }
  return minutes;
}
