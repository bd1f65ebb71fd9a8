import path from "node:path";
import type { Logger } from "pino";
import { resolveOpencodeCommand } from "./binary.js";
import { Bridge, type PromptOptions, type PromptResult } from "./bridge.js";
import { opencodeHome } from "./env.js";
import { ServerManager, type RestartPolicy, type RuntimeAgent, type ServerStats } from "./manager.js";
import type { ModelSettings } from "./model.js";
import type { OpencodeServer } from "./server.js";
import { SessionStore } from "./sessions.js";

export interface OpencodeRuntimeOptions {
  /** isolated: one `opencode serve` per agent on its registry port; shared: one server for all on `basePort`. */
  mode: "isolated" | "shared";
  /** OPENCODE_COMMAND; defaults to the native binary of the installed opencode-ai package. */
  command?: string;
  dataDir: string;
  agentsDir: string;
  basePort: number;
  healthTimeoutMs?: number;
  promptTimeoutMs?: number;
  queueLimit?: number;
  model: ModelSettings;
  /** Base URL of the tool API, e.g. http://127.0.0.1:3456. */
  apiUrl: string;
  logger: Logger;
  /** Passwords and agent keys are registered here so logs scrub them. */
  secrets?: { add(value: string): void; delete(value: string): void };
  /** An agent's server failed for good (after restarts); the caller records last_error. */
  onFailure?: (agentId: string, message: string) => void;
  restart?: Partial<RestartPolicy>;
  /** Config files above agent directories that are there on purpose (not warned about). */
  expectedParentFiles?: readonly string[];
}

/** The OpenCode side of BoBB: agents' servers plus the session bridge. */
export interface OpencodeRuntime {
  /** Writes the agent's opencode.json and tools and makes its server ready; idempotent. */
  ensureAgent(agent: RuntimeAgent, apiKey: string): Promise<void>;
  /** Aborts the agent's prompts and stops (or unloads) its server. */
  stopAgent(agentId: string): Promise<void>;
  /** Sends a prompt in the (agent, conversation) session, queued behind a running one. */
  prompt(agentId: string, conversationKey: string, text: string, options?: PromptOptions): Promise<PromptResult>;
  /** Aborts the running prompt of a conversation and drops the queued ones. */
  abort(agentId: string, conversationKey: string): Promise<void>;
  /** Benchmark hook: pid, port, start time and RSS (with children) of every server. */
  stats(): ServerStats[];
  /** The server an agent runs on (tests, benchmarks). */
  serverOf(agentId: string): OpencodeServer | undefined;
  /** Stops every server, also ones still starting; no process is left behind. */
  close(): Promise<void>;
}

/** Builds the runtime; nothing starts until ensureAgent. */
export function createOpencodeRuntime(options: OpencodeRuntimeOptions): OpencodeRuntime {
  const manager = new ServerManager({
    mode: options.mode,
    command: resolveOpencodeCommand(options.command),
    dataDir: options.dataDir,
    agentsDir: options.agentsDir,
    basePort: options.basePort,
    healthTimeoutMs: options.healthTimeoutMs ?? 30_000,
    model: options.model,
    apiUrl: options.apiUrl,
    logger: options.logger,
    ...(options.secrets ? { secrets: options.secrets } : {}),
    ...(options.onFailure ? { onFailure: options.onFailure } : {}),
    ...(options.restart ? { restart: options.restart } : {}),
    ...(options.expectedParentFiles ? { expectedParentFiles: options.expectedParentFiles } : {}),
  });
  const store = new SessionStore(path.join(opencodeHome(options.dataDir), `sessions-${options.mode}.json`));
  const bridge = new Bridge({
    servers: manager,
    store,
    queueLimit: options.queueLimit ?? 8,
    promptTimeoutMs: options.promptTimeoutMs ?? 120_000,
    logger: options.logger,
  });
  let closed = false;
  return {
    ensureAgent: (agent, apiKey) => manager.ensureAgent(agent, apiKey),
    async stopAgent(agentId) {
      await bridge.abortAgent(agentId);
      await manager.stopAgent(agentId);
    },
    prompt: (agentId, key, text, opts = {}) => bridge.prompt(agentId, key, text, opts),
    abort: (agentId, key) => bridge.abort(agentId, key),
    stats: () => manager.stats(),
    serverOf: (agentId) => manager.serverOf(agentId),
    async close() {
      if (closed) return;
      closed = true;
      await manager.close();
    },
  };
}
