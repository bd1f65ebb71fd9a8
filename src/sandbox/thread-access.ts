import { discordErrors, DiscordError } from "./errors.js";
import type { ChannelRecord, ThreadRecord } from "./model.js";
import { hasPermission, Permission } from "./permissions.js";
import type { SandboxStore } from "./store.js";

// Who sees a channel and who gets its events, threads included: a public thread is seen by whoever sees its
// parent, a private one by its members and those who may Manage Threads (Discord's rule).

/** Channel types of threads, as Discord numbers them. */
export const PUBLIC_THREAD = 11;
export const PRIVATE_THREAD = 12;

/** The channel's thread state when it is a thread. */
export function threadOf(channel: ChannelRecord): ThreadRecord | null {
  return channel.thread;
}

export function isThreadMember(thread: ThreadRecord, userId: string): boolean {
  return thread.members.some((m) => m.userId === userId);
}

/** True when the user may see the channel (a DM: a recipient; a guild channel: View Channel). */
export function canView(store: SandboxStore, channel: ChannelRecord, userId: string): boolean {
  if (!channel.guildId) return channel.recipientIds.includes(userId);
  if (!hasPermission(store, channel.guildId, userId, Permission.ViewChannel)) return false;
  const thread = channel.thread;
  if (!thread || channel.type !== PRIVATE_THREAD) return true;
  return isThreadMember(thread, userId) || hasPermission(store, channel.guildId, userId, Permission.ManageThreads);
}

/** Everyone who sees a private thread (members and thread managers). */
export function privateViewers(store: SandboxStore, channel: ChannelRecord): string[] {
  const guild = channel.guildId ? store.guilds.get(channel.guildId) : undefined;
  return guild ? guild.members.map((m) => m.userId).filter((id) => canView(store, channel, id)) : [];
}

/** Where a channel's events go: the whole guild, a DM's recipients, or a private thread's viewers only. */
export function audience(store: SandboxStore, channel: ChannelRecord): { guildId: string | null; userIds: readonly string[] } {
  if (channel.type === PRIVATE_THREAD) return { guildId: null, userIds: privateViewers(store, channel) };
  return { guildId: channel.guildId, userIds: channel.recipientIds };
}

/** The permission a post needs: Send Messages in a channel, Send Messages in Threads in a thread. */
export function sendPermission(channel: ChannelRecord): bigint {
  return channel.thread ? Permission.SendMessagesInThreads : Permission.SendMessages;
}

/**
 * Before a post in a thread: an archived thread is unarchived by the post (returns true: THREAD_UPDATE is due),
 * unless it is also locked and the author may not Manage Threads (160005).
 */
export function admitPost(store: SandboxStore, channel: ChannelRecord, actorId: string, now: number): boolean {
  const thread = channel.thread;
  if (!thread?.archived) return false;
  if (thread.locked && !(channel.guildId && hasPermission(store, channel.guildId, actorId, Permission.ManageThreads))) {
    throw discordErrors.threadLocked();
  }
  thread.archived = false;
  thread.archiveTimestamp = new Date(now).toISOString();
  return true;
}

/** Refuses an operation on an archived thread (50083), as Discord does for joins, reactions and edits. */
export function refuseIfArchived(channel: ChannelRecord): void {
  if (channel.thread?.archived) throw new DiscordError(400, 50083, "Thread is archived");
}
