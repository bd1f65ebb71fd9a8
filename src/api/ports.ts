import { CodedError } from "../errors.js";
import type { Agent } from "../registry/index.js";

/** What an agent asks the Discord side to post. */
export interface SendRequest {
  channel_id: string;
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
  send(agentId: string, request: SendRequest): Promise<SendResult>;
  members(agentId: string, channelId: string | undefined): Promise<Member[]>;
}

/** Codes the Discord side fails with; the API maps each to a status. */
export type DiscordActionCode = "CHANNEL_STOPPED" | "CHANNEL_NOT_FOUND" | "UNKNOWN_BOT_NAME" | "AGENT_NOT_RUNNING" | "DISCORD_FORBIDDEN" | "DISCORD_ERROR";

/** A failure of the Discord side's actions, with a code the API maps to a status. */
export class DiscordSideError extends CodedError<DiscordActionCode> {}

/** Writes an agent's files (AGENTS.md from the template) when it is created or its persona changes. */
export interface AgentFiles {
  write(agent: Agent): Promise<void>;
}
