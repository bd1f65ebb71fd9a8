import path from "node:path";
import { resolveOpencodeCommand } from "./binary.js";
import { Bridge, type PromptOptions, type PromptResult } from "./bridge.js";
import { opencodeHome } from "./env.js";
import { ServerManager, type ManagerOptions, type RuntimeAgent, type ServerStats } from "./manager.js";
import type { OpencodeServer } from "./server.js";
import { SessionStore } from "./sessions.js";

/** The manager's options, with the command resolved and the health timeout defaulted here. */
export interface OpencodeRuntimeOptions extends Omit<ManagerOptions, "command" | "healthTimeoutMs"> {
  /** OPENCODE_COMMAND; defaults to the native binary of the installed opencode-ai package. */
  command?: string;
  healthTimeoutMs?: number;
  promptTimeoutMs?: number;
  queueLimit?: number;
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
  const { promptTimeoutMs, queueLimit, command, healthTimeoutMs, ...shared } = options;
  const manager = new ServerManager({ ...shared, command: resolveOpencodeCommand(command), healthTimeoutMs: healthTimeoutMs ?? 30_000 });
  const store = new SessionStore(path.join(opencodeHome(options.dataDir), `sessions-${options.mode}.json`));
  const bridge = new Bridge({
    servers: manager,
    store,
    queueLimit: queueLimit ?? 8,
    promptTimeoutMs: promptTimeoutMs ?? 120_000,
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
