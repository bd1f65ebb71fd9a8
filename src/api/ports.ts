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

/** Writes an agent's files (AGENTS.md from the template) when it is created or its persona changes. */
export interface AgentFiles {
  write(agent: Agent): Promise<void>;
}
