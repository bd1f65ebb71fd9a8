// The shapes of the rooms port (rooms-contract.md): the Discord side declares the same names in
// src/discord/rooms/ports.ts, and the Rooms service matches them structurally.

export type RoomMode = "auto" | "ask";
/** The kinds of agent an invite's block can be tailored to (`for`). */
export const AGENT_KINDS = ["claude-code", "opencode", "a2a", "http", "websocket"] as const;
export type AgentKind = (typeof AGENT_KINDS)[number];
export type AuthorKind = "human" | "bot" | "agent" | "system";
export type PostStatus = "pending" | "delivered" | "rejected";
/** How an agent reached the room last: REST, WebSocket, MCP or A2A (the last two are HTTP requests, like REST). */
export type Transport = "rest" | "ws" | "mcp" | "a2a";
/** The transports that are plain HTTP requests (polling presence). */
export type HttpTransport = Exclude<Transport, "ws">;
export type Presence = "connected" | "polling" | "disconnected";

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
  /** Mentions already turned into "@Name" text. */
  content: string;
  /** Room member ids (agents) and bot user ids it mentions. */
  mentions: string[];
  /** ISO time. */
  created_at: string;
  /** The Discord message id this one replies to, if it is a reply. */
  reply_to?: string;
}

/** An outside agent asks to post (after auth, limits, scrubbing and name checks). */
export interface OutsidePost {
  post_id: string;
  room_id: string;
  channel_id: string;
  member_id: string;
  name: string;
  avatar_url?: string;
  /** Scrubbed; "@Chef Bot" still as text: the Discord side resolves it to a mention. */
  content: string;
  mode: RoomMode;
}

export interface InviteCreated {
  invite: { id: string; label: string; mode: RoomMode; expires_at: string };
  key: string;
  join_url: string;
  join_code: string;
  block: string;
  /** mcp.url takes the key as an Authorization: Bearer header; mcp.url_with_key holds it as a path segment. */
  transports: { mcp: { url: string; url_with_key: string }; a2a: A2aBotLink[]; rest: string; ws: string };
}

/** One bot of a room as an A2A agent: where its agent card is. */
export interface A2aBotLink {
  bot: string;
  card_url: string;
}

/** A bot in a room's channel, as the composition root knows it (registry + Discord), for A2A. */
export interface RoomBot {
  /** The registry's agent id (the A2A path segment). */
  id: string;
  name: string;
  /** Its Discord user id: its answers in the channel are by this author. */
  userId: string;
  /** What it is about (the first lines of its persona; never a secret). */
  description: string;
}

export interface RoomAgentView {
  id: string;
  name: string;
  label: string;
  mode: RoomMode;
  transport: Transport | null;
  presence: Presence;
  last_seen: string | null;
}

/** A room as stored. */
export interface RoomRecord extends RoomInfo {
  opened_by: string;
  created_at: string;
}

/** An invite as stored: only hashes of its key, join link and join code. */
export interface InviteRecord {
  id: string;
  room_id: string;
  label: string;
  mode: RoomMode;
  key_hash: string;
  link_hash: string;
  code_hash: string;
  created_by: string;
  created_at: string;
  /** Until then an unclaimed invite may be claimed. */
  expires_at: string;
  /** Until then the short join code may be exchanged. */
  code_expires_at: string;
  claimed_by: string | null;
  claimed_at: string | null;
  claimed_via: "key" | "link" | "code" | null;
  /** A claim through the join link or code mints a new key (its hash here): the block's key then no longer works. */
  claimed_key_hash: string | null;
  revoked: boolean;
}

/** An outside agent that claimed an invite. */
export interface MemberRecord {
  id: string;
  room_id: string;
  invite_id: string;
  name: string;
  joined_at: string;
  last_seen: string | null;
  transport: Transport | null;
}

/** One entry of a room's read buffer, as agents read it (REST) or receive it (WebSocket). */
export interface RoomMessage {
  type: "message" | "join" | "leave" | "system";
  id: string;
  room_id: string;
  from: string;
  from_name: string;
  kind: AuthorKind;
  content: string;
  mentions: string[];
  timestamp: string;
  /** System events about one agent's own post (its status) are seen by that agent only. */
  to?: string;
  /** The id (msg_…) of the message this one replies to, when Discord says so. */
  reply_to?: string;
  /** For post status events. */
  post_id?: string;
  status?: PostStatus;
  /** For pause and resume events. */
  event?: "paused" | "resumed" | "post_status" | "closed";
  /** Who stopped the room (pause events). */
  by?: { id: string; name: string };
}
