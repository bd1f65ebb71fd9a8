/** An agent as the runtime needs it to run. */
export interface RuntimeAgent {
  id: string;
  name: string;
  persona: string;
  port: number;
  role: "bobb" | "child";
}

/** The OpenCode side of a running agent. */
export interface AgentRuntime {
  /** Makes the agent's directory, config and server ready; idempotent. */
  ensureAgent(agent: RuntimeAgent, apiKey: string): Promise<void>;
  stopAgent(agentId: string): Promise<void>;
}

/** The Discord side of a running agent. */
export interface AgentBots {
  start(spec: { agentId: string; name: string; token: string }): Promise<{ client: { user: { id: string } } }>;
  stop(agentId: string): Promise<void>;
}
