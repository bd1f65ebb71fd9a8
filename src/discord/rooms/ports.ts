// The port between the Discord side of rooms (this folder) and the rooms core (src/rooms/service.ts
// implements it structurally; it never imports src/discord). Fixed by the rooms contract: change both sides together.

export type RoomMode = "auto" | "ask";
/** The kind of agent an invite's block is tailored to; without it the block holds every way to connect. */
export type AgentKind = "claude-code" | "opencode" | "a2a" | "http" | "websocket";
export type AuthorKind = "human" | "bot" | "agent" | "system";
export interface RoomInfo {
  id: string;
  channel_id: string;
  guild_id: string;
  name: string;
}
/** One thing said in the room's channel, as the Discord side saw it (the channel is the log). */
export interface ChannelEvent {
  discord_message_id: string;
  author: { id: string; name: string; kind: AuthorKind };
  content: string; // mentions already turned into "@Name" text
  mentions: string[]; // room member ids (agents) and bot user ids it mentions
  created_at: string; // ISO
  reply_to?: string; // the Discord message id it replies to, if it is a reply
}
/** An outside agent asks to post (after the core's auth, limits, scrubbing and name checks). */
export interface OutsidePost {
  post_id: string;
  room_id: string;
  channel_id: string;
  member_id: string;
  name: string;
  avatar_url?: string;
  content: string; // scrubbed; "@Chef Bot" still as text: the Discord side resolves it to <@id>
  mode: RoomMode;
}
export type PostStatus = "pending" | "delivered" | "rejected";
export interface InviteCreated {
  invite: { id: string; label: string; mode: RoomMode; expires_at: string };
  key: string;
  join_url: string;
  join_code: string;
  block: string;
  transports: { rest: string; ws: string; a2a: Array<{ bot: string; card_url: string }> };
}
export interface RoomAgentView {
  id: string;
  name: string;
  label: string;
  mode: RoomMode;
  transport: "rest" | "ws" | "mcp" | "a2a" | null;
  presence: "connected" | "polling" | "disconnected";
  last_seen: string | null;
}
export interface RoomsPort {
  open(channel: { id: string; guild_id: string; name: string }, by: string): Promise<RoomInfo>; // idempotent per channel
  close(roomId: string): Promise<void>;
  roomOfChannel(channelId: string): RoomInfo | undefined;
  list(): RoomInfo[]; // every open room (the Discord side backfills them from channel history after a restart)
  createInvite(roomId: string, options: { label: string; mode: RoomMode; for?: AgentKind }, by: string): Promise<InviteCreated>; // for: a block for one kind only
  agents(roomId: string): Promise<RoomAgentView[]>;
  revoke(roomId: string, label: string): Promise<boolean>; // disconnects at once
  ingest(channelId: string, event: ChannelEvent): void; // every message in a room's channel
  pause(channelId: string, by: { id: string; name: string }): void; // a person's stop: agents get a system event, posts refused
  resume(channelId: string): void; // a person spoke again
  on(event: "post", listener: (post: OutsidePost) => void): unknown;
  off(event: "post", listener: (post: OutsidePost) => void): unknown;
  settle(postId: string, status: PostStatus, discordMessageId?: string): void; // the agent sees pending → delivered/rejected
}
