import type { OpencodeClient } from "@opencode-ai/sdk";
import type { AgentRole } from "./agent-config.js";
import type { ModelSettings } from "./model.js";
import type { ServerPool, Slot } from "./server-pool.js";

/** An agent as the runtime needs it to run. */
export interface RuntimeAgent {
  id: string;
  name: string;
  persona: string;
  port: number;
  role: AgentRole;
}

/** A registered agent: its directory, its tool API key and the server it runs on. */
export interface AgentEntry {
  dir: string;
  key: string;
  slot: Slot;
  /** Project mode: the bot's AGENTS.md, sent with every prompt as its system prompt (read at each prompt, so an edit applies at the next one). */
  personaFile?: string;
}

/** What a mode needs from the manager. */
export interface ModeContext {
  pool: ServerPool;
  agents: Map<string, AgentEntry>;
  settings: { dataDir: string; agentsDir: string; basePort: number; model: ModelSettings; apiUrl: string; projectKey?: string | undefined };
  /** Unregisters an agent and stops (or unloads) its server. */
  stopAgent(agentId: string): Promise<void>;
}

/** Writes a config directory (serialized per directory); true when a file changed. */
export type WriteConfig = (configId: string, role: AgentRole, dir: string) => Promise<boolean>;

/** How agents map onto servers: one each (isolated), one for all by directory (shared), one for all in one project (project). */
export interface ServerMode {
  /** The directory whose opencode.json and tools serve this agent (its own, or the project's). */
  configDir(agent: RuntimeAgent): { dir: string; configId: string };
  /** Registers the agent and makes its server ready; `changed` says its config was rewritten. */
  ensure(agent: RuntimeAgent, dir: string, apiKey: string, changed: boolean, existing: AgentEntry | undefined): Promise<void>;
  /** After the agent was unregistered: stops its server or unloads its directory. */
  stop(entry: AgentEntry): Promise<void>;
  client(entry: AgentEntry): OpencodeClient;
  close(): Promise<void>;
  /** Starts what the mode always needs, before any agent is registered (project mode: the server and the bots' project). */
  prestart?(writeConfig: WriteConfig): Promise<void>;
}
