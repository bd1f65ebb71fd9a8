import type { AttachmentRecord, ChannelRecord, ThreadRecord } from "./model.js";

// Thread channel and thread member objects, and message attachments, as Discord shapes them.

type Json = Record<string, unknown>;

/** A thread member object (`member` on a thread the viewer joined, the thread-members routes). */
export function threadMemberPayload(threadId: string, member: ThreadRecord["members"][number]): Json {
  return { id: threadId, user_id: member.userId, join_timestamp: member.joinedAt, flags: 0 };
}

/** A thread channel (type 11/12) as `viewerId` sees it: with `member` when the viewer joined it. */
export function threadPayload(channel: ChannelRecord, thread: ThreadRecord, viewerId?: string): Json {
  const own = viewerId ? thread.members.find((m) => m.userId === viewerId) : undefined;
  return {
    id: channel.id,
    type: channel.type,
    guild_id: channel.guildId,
    parent_id: thread.parentId,
    owner_id: thread.ownerId,
    name: channel.name,
    last_message_id: channel.lastMessageId,
    rate_limit_per_user: 0,
    flags: 0,
    message_count: thread.messageCount,
    // Discord caps the count it reports at 50.
    member_count: Math.min(thread.members.length, 50),
    total_message_sent: thread.totalMessageSent,
    thread_metadata: {
      archived: thread.archived,
      auto_archive_duration: thread.autoArchiveDuration,
      archive_timestamp: thread.archiveTimestamp,
      locked: thread.locked,
      create_timestamp: thread.createTimestamp,
      ...(channel.type === 12 ? { invitable: thread.invitable } : {}),
    },
    ...(own ? { member: threadMemberPayload(channel.id, own) } : {}),
  };
}

/** An attachment object; the URL is the sandbox's CDN path (absolute when the sandbox knows its address). */
export function attachmentPayload(baseUrl: string, channelId: string, attachment: AttachmentRecord): Json {
  const url = `${baseUrl}/attachments/${channelId}/${attachment.id}/${encodeURIComponent(attachment.filename)}`;
  return {
    id: attachment.id,
    filename: attachment.filename,
    size: attachment.size,
    url,
    proxy_url: url,
    ...(attachment.contentType ? { content_type: attachment.contentType } : {}),
    ...(attachment.width !== null && attachment.height !== null ? { width: attachment.width, height: attachment.height } : {}),
    ...(attachment.description !== null ? { description: attachment.description } : {}),
    flags: 0,
  };
}
