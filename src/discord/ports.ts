import type { MessageCreateOptions } from "discord.js";

/**
 * Codes an AgentBrain's failures carry (the OpenCode bridge's `BridgeErrorCode`; app.ts checks
 * at compile time that the two stay the same).
 */
export const BRAIN_ERROR_CODES = ["BUSY", "TIMEOUT", "ABORTED", "AGENT_UNAVAILABLE", "PROMPT_FAILED", "CLOSED"] as const;
export type BrainErrorCode = (typeof BRAIN_ERROR_CODES)[number];

/** What the Discord side needs from the agent runtime (the OpenCode bridge satisfies it); it fails with a `CodedError<BrainErrorCode>`. */
export interface AgentBrain {
  prompt(
    agentId: string,
    conversationKey: string,
    text: string,
    options: {
      signal?: AbortSignal;
      usedTools?: boolean;
      /** The Discord message the prompt answers; a prompt cut off by a dying server is sent again once, keyed on it. */
      messageId?: string;
      /** Asked before such a retry: false once the turn already posted (send_message) or was answered. */
      canRetry?: () => boolean;
      /** The live turn the prompt belongs to, so its tool calls can be traced back to it. */
      turnId?: string;
      /** The message's images and text files, for the model (data: URLs). */
      files?: readonly { mime: string; url: string; filename: string }[];
    },
  ): Promise<{ text: string; usedTools: string[] }>;
  abort(agentId: string, conversationKey: string): Promise<void>;
}

/** A bot the product knows: BoBB or a child agent, with its Discord user id once known. */
export interface KnownBot {
  agentId: string;
  name: string;
  userId: string | undefined;
}

/** Buttons the supervisor puts under a reply (never the model's), and the line that carries them when there is no reply. */
export interface ReplyButtons {
  components: NonNullable<MessageCreateOptions["components"]>;
  text: string;
}
