import { CodedError } from "../errors.js";
import type { Agent } from "../registry/index.js";

/**
 * The live turn a tool call belongs to, as the supervisor recorded it from Discord (never from
 * the model): which agent answers whom, where.
 */
export interface LiveTurn {
  readonly id: string;
  readonly agentId: string;
  readonly channelId: string;
  readonly guildId: string | null;
  readonly messageId: string;
  readonly authorId: string;
  readonly authorName: string;
  /** The author has Manage Server in `guildId`. */
  readonly authorManagesGuild: boolean;
}

/** Finds the live turn of an agent's tool call from the OpenCode session id its tool sent; undefined = none. */
export type TurnLookup = (agentId: string, sessionId: string) => LiveTurn | undefined;

/** What removing an agent did besides deleting its registry entry (stopping it, forgetting sessions, keeping its folder). */
export interface RemovalReport {
  /** Where its folder went, relative to the agents directory's parent (e.g. agents/.removed/chef-20260101T000000Z). */
  folder: string | undefined;
  /** OpenCode sessions deleted. */
  sessions: number;
}

/** Waits for the removal of an agent the registry just dropped; undefined when none is under way. */
export interface AgentRemovals {
  whenRemoved(agentId: string): Promise<RemovalReport> | undefined;
}

/** What an agent asks the Discord side to post; without channel_id, the conversation of its turn. */
export interface SendRequest {
  channel_id?: string | undefined;
  content: string;
  reply_to?: string | undefined;
  mention_bots?: string[] | undefined;
}

export interface SendResult {
  message_ids: string[];
  warnings: string[];
}

export interface Member {
  id: string;
  name: string;
  bot: boolean;
  agent_id?: string;
}

/** The Discord side the API calls; attached once the bot manager runs. */
export interface DiscordActions {
  /** Posts as the agent's bot; with a turn, only into that turn's conversation and within its post limit. */
  send(agentId: string, request: SendRequest, turn?: LiveTurn): Promise<SendResult>;
  members(agentId: string, channelId: string | undefined): Promise<Member[]>;
  /** Ids of the guilds the agent's bot is in now (none when it is not running). */
  botGuilds?(agentId: string): string[];
  /** A Discord user's display name, if BoBB knows it. */
  userName?(userId: string): string | undefined;
}

/** Codes the Discord side fails with; the API maps each to a status. */
export type DiscordActionCode =
  | "CHANNEL_STOPPED"
  | "CHANNEL_NOT_FOUND"
  | "UNKNOWN_BOT_NAME"
  | "AGENT_NOT_RUNNING"
  | "DISCORD_FORBIDDEN"
  | "DISCORD_ERROR"
  | "OUTSIDE_CONVERSATION"
  | "POST_LIMIT"
  | "TURN_ENDED";

/** A failure of the Discord side's actions, with a code the API maps to a status. */
export class DiscordSideError extends CodedError<DiscordActionCode> {}

/** Writes an agent's files (AGENTS.md from the template) when it is created or its persona changes. */
export interface AgentFiles {
  write(agent: Agent): Promise<void>;
}

/** A Discord channel as the rooms side needs it (its guild and name). */
export interface ChannelInfo {
  id: string;
  guild_id: string;
  name: string;
}

/** What the operator's room routes call (the Rooms service of src/rooms, attached by app.ts). */
export interface RoomsAdmin {
  open(channel: ChannelInfo, by: string): Promise<{ id: string; channel_id: string; name: string }>;
  close(roomId: string): Promise<void>;
  room(roomId: string): { id: string; channel_id: string; name: string } | undefined;
  createInvite(
    roomId: string,
    options: { label: string; mode: "auto" | "ask"; for?: "claude-code" | "opencode" | "a2a" | "http" | "websocket" },
    by: string,
  ): Promise<object>;
  agents(roomId: string): Promise<object[]>;
  revokeInvite(roomId: string, inviteId: string): Promise<boolean>;
}

/** Codes the rooms side fails with on the operator's routes; the API maps each to a status. */
export const ROOMS_ADMIN_CODES = ["ROOM_NOT_FOUND", "INVITE_NOT_FOUND", "INVITE_LIMIT", "LABEL_TAKEN", "VALIDATION_ERROR"] as const;
export type RoomsAdminCode = (typeof ROOMS_ADMIN_CODES)[number];
