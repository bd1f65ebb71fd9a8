import { Intent, type SandboxContext } from "./events.js";
import type { ChannelRecord, ThreadRecord } from "./model.js";
import { channelPayload, memberPayload } from "./payloads.js";
import { audience, isThreadMember } from "./thread-access.js";
import { threadMemberPayload } from "./thread-payloads.js";

// Thread dispatches as Discord sends them (intent GUILDS; member changes under GUILD_MEMBERS, and always to the
// member who joined or left) and the membership changes that cause them.

/** THREAD_CREATE (`newly_created` for a new thread) or THREAD_UPDATE to everyone who sees the thread. */
export function emitThread(ctx: SandboxContext, t: "THREAD_CREATE" | "THREAD_UPDATE", channel: ChannelRecord): void {
  const d = { ...channelPayload(ctx.store, channel), ...(t === "THREAD_CREATE" ? { newly_created: true } : {}) };
  ctx.bus.emit({ t, d, ...audience(ctx.store, channel), intent: Intent.Guilds });
}

/** THREAD_DELETE, sent before the thread is gone (the audience is computed from it). */
export function emitThreadDelete(ctx: SandboxContext, channel: ChannelRecord, thread: ThreadRecord): void {
  const d = { id: channel.id, guild_id: channel.guildId, parent_id: thread.parentId, type: channel.type };
  ctx.bus.emit({ t: "THREAD_DELETE", d, ...audience(ctx.store, channel), intent: Intent.Guilds });
}

/** Adds a member (no-op when already one); returns whether it changed. Dispatches THREAD_MEMBERS_UPDATE. */
export function addThreadMember(ctx: SandboxContext, channel: ChannelRecord, thread: ThreadRecord, userId: string): boolean {
  if (isThreadMember(thread, userId)) return false;
  const joined = { userId, joinedAt: new Date(ctx.now()).toISOString() };
  const sawBefore = channel.type !== 12 || audience(ctx.store, channel).userIds.includes(userId);
  thread.members.push(joined);
  ctx.store.touch();
  // Someone added to a private thread they could not see learns of it by THREAD_CREATE, with their membership.
  if (!sawBefore) {
    const d = channelPayload(ctx.store, channel, userId);
    ctx.bus.emit({ t: "THREAD_CREATE", d, guildId: null, userIds: [userId], intent: Intent.Guilds });
  }
  announceJoin(ctx, channel, thread, joined);
  return true;
}

/** THREAD_MEMBERS_UPDATE for a member who just joined (also for a thread's creator, right after THREAD_CREATE). */
export function announceJoin(ctx: SandboxContext, channel: ChannelRecord, thread: ThreadRecord, joined: ThreadRecord["members"][number]): void {
  const userId = joined.userId;
  const guildMember = channel.guildId ? ctx.store.member(channel.guildId, userId) : undefined;
  const added = {
    ...threadMemberPayload(channel.id, joined),
    ...(guildMember ? { member: memberPayload(guildMember, ctx.store.users.get(userId)) } : {}),
    presence: null,
  };
  emitMembersUpdate(ctx, channel, thread, userId, { added_members: [added] });
}

/** Removes a member; returns whether it changed. Dispatches THREAD_MEMBERS_UPDATE. */
export function removeThreadMember(ctx: SandboxContext, channel: ChannelRecord, thread: ThreadRecord, userId: string): boolean {
  if (!isThreadMember(thread, userId)) return false;
  // Whoever saw the thread before hears of the removal, the removed member included.
  const before = audience(ctx.store, channel);
  thread.members = thread.members.filter((m) => m.userId !== userId);
  ctx.store.touch();
  emitMembersUpdate(ctx, channel, thread, userId, { removed_member_ids: [userId] }, before);
  return true;
}

function emitMembersUpdate(
  ctx: SandboxContext,
  channel: ChannelRecord,
  thread: ThreadRecord,
  userId: string,
  change: Record<string, unknown>,
  to = audience(ctx.store, channel),
): void {
  const d = { id: channel.id, guild_id: channel.guildId, member_count: Math.min(thread.members.length, 50), ...change };
  // With GUILD_MEMBERS every viewer hears of it; without, only the member who joined or left.
  ctx.bus.emit({ t: "THREAD_MEMBERS_UPDATE", d, ...to, intent: Intent.GuildMembers });
  ctx.bus.emit({
    t: "THREAD_MEMBERS_UPDATE",
    d,
    guildId: null,
    userIds: [userId],
    intent: Intent.Guilds,
    withoutIntent: Intent.GuildMembers,
    gatewayOnly: true,
  });
}
