/** What the Discord side needs from the agent runtime (the OpenCode bridge satisfies it). */
export interface AgentBrain {
  prompt(agentId: string, conversationKey: string, text: string, options: { signal?: AbortSignal; usedTools?: boolean }): Promise<{ text: string; usedTools: string[] }>;
  abort(agentId: string, conversationKey: string): Promise<void>;
}

/** A bot the product knows: BoBB or a child agent, with its Discord user id once known. */
export interface KnownBot {
  agentId: string;
  name: string;
  userId: string | undefined;
}

/** An error with a stable code the tool API maps to a status. */
export class DiscordSideError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "DiscordSideError";
  }
}
