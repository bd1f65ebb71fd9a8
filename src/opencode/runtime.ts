import { EventEmitter } from "node:events";
import path from "node:path";
import { resolveOpencodeCommand } from "./binary.js";
import { Bridge, type PromptOptions, type PromptResult } from "./bridge.js";
import { opencodeHome } from "./env.js";
import { ServerManager, type ManagerOptions, type RuntimeAgent, type ServerStats } from "./manager.js";
import type { OpencodeServer } from "./server.js";
import { expireIdleSessions } from "./session-expiry.js";
import { SessionStore, type SessionMap } from "./sessions.js";

/** The manager's options, with the command resolved here; every limit comes from the caller (the config's defaults). */
export interface OpencodeRuntimeOptions extends Omit<ManagerOptions, "command" | "onFailure"> {
  /** OPENCODE_COMMAND; defaults to the native binary of the installed opencode-ai package. */
  command?: string | undefined;
  promptTimeoutMs: number;
  queueLimit: number;
  /** Prompts of one agent running at once across conversations (BOBB_AGENT_CONCURRENCY); default 4. */
  agentConcurrency?: number;
  /** Sessions unused this long are deleted, on the server and in the store (BOBB_SESSION_IDLE); default 7 days. */
  sessionIdleMs?: number;
  /** Epoch milliseconds; injected by tests. */
  now?: () => number;
  /** The session map; default the file sessions-<mode>.json in the data dir (PostgreSQL for several hosts). */
  sessions?: SessionMap | undefined;
}

const DEFAULT_SESSION_IDLE_MS = 7 * 24 * 3_600_000;
/** How often idle sessions are looked for (or more often, when the idle time is shorter). */
const EXPIRY_EVERY_MS = 3_600_000;

export interface OpencodeRuntimeEvents {
  /** An agent's OpenCode server failed for good (it gave up restarting it). */
  failure: [agentId: string, message: string];
}

/** Test and benchmark hooks: what runs where, and the servers themselves. */
export interface OpencodeDiagnostics {
  /** Pid, port, start time and RSS (with children) of every server. */
  stats(): ServerStats[];
  /** The server an agent runs on. */
  serverOf(agentId: string): OpencodeServer | undefined;
}

/** The OpenCode side of BoBB: agents' servers plus the session bridge. */
export interface OpencodeRuntime extends EventEmitter<OpencodeRuntimeEvents> {
  /** Writes the agent's opencode.json and tools and makes its server ready; idempotent. */
  ensureAgent(agent: RuntimeAgent, apiKey: string): Promise<void>;
  /**
   * Starts, before any agent is registered, what every agent will need (project mode: the one
   * server, the bots' project loaded), so a start does not wait for it after the logins.
   * Never rejects: a failure shows again in ensureAgent.
   */
  prestart(): Promise<void>;
  /** Aborts the agent's prompts and stops (or unloads) its server. */
  stopAgent(agentId: string): Promise<void>;
  /** Sends a prompt in the (agent, conversation) session, queued behind a running one. */
  prompt(agentId: string, conversationKey: string, text: string, options?: PromptOptions): Promise<PromptResult>;
  /** Aborts the running prompt of a conversation and drops the queued ones. */
  abort(agentId: string, conversationKey: string): Promise<void>;
  /** The turn tag of the prompt running in this agent's session right now (the tool API's turn binding). */
  turnOf(agentId: string, sessionId: string): string | undefined;
  /** The agent whose prompt runs in this OpenCode session right now (project mode: the tool API's caller). */
  agentOfSession(sessionId: string): string | undefined;
  /** An agent was removed: aborts its prompts, deletes its sessions (stored ids, and on its server if reachable), stops its server. */
  removeAgent(agentId: string): Promise<{ sessions: number }>;
  /** Deletes sessions idle longer than the idle time (also run hourly on its own); returns how many. */
  expireIdleSessions(): Promise<number>;
  /** Stops every server, also ones still starting; no process is left behind. */
  close(): Promise<void>;
  /** Last resort at process exit without close(): kills every server at once, synchronously. */
  killNow(): void;
  readonly diagnostics: OpencodeDiagnostics;
}

class Runtime extends EventEmitter<OpencodeRuntimeEvents> implements OpencodeRuntime {
  readonly diagnostics: OpencodeDiagnostics;
  readonly #manager: ServerManager;
  readonly #bridge: Bridge;
  readonly #store: SessionMap;
  readonly #expiry: () => Promise<number>;
  readonly #expiryTimer: NodeJS.Timeout;
  readonly #log: OpencodeRuntimeOptions["logger"];
  #closed = false;

  constructor(options: OpencodeRuntimeOptions) {
    super();
    this.#log = options.logger.child({ component: "opencode" });
    const { promptTimeoutMs, queueLimit, command, agentConcurrency, sessionIdleMs, now, sessions, ...shared } = options;
    this.#manager = new ServerManager({
      ...shared,
      command: resolveOpencodeCommand(command),
      onFailure: (agentId, message) => this.emit("failure", agentId, message),
    });
    const store = sessions ?? new SessionStore(path.join(opencodeHome(options.dataDir), `sessions-${options.mode}.json`), now ? { now } : {});
    this.#store = store;
    const bridge = new Bridge({ servers: this.#manager, store, queueLimit, promptTimeoutMs, agentConcurrency, logger: options.logger });
    this.#bridge = bridge;
    const idleMs = sessionIdleMs ?? DEFAULT_SESSION_IDLE_MS;
    const log = options.logger.child({ component: "sessions" });
    this.#expiry = () =>
      expireIdleSessions({
        store,
        servers: this.#manager,
        busy: (agentId, conversation) => bridge.busy(agentId, conversation),
        forget: (id) => bridge.forget(id),
        idleMs,
        now: now ?? Date.now,
        logger: log,
      });
    this.#expiryTimer = setInterval(
      () => void this.#expiry().catch((err: unknown) => log.warn({ err }, "idle session clean-up failed")),
      Math.min(idleMs, EXPIRY_EVERY_MS),
    );
    this.#expiryTimer.unref();
    const manager = this.#manager;
    this.diagnostics = { stats: () => manager.stats(), serverOf: (agentId) => manager.serverOf(agentId) };
  }

  ensureAgent(agent: RuntimeAgent, apiKey: string): Promise<void> {
    return this.#manager.ensureAgent(agent, apiKey);
  }

  prestart(): Promise<void> {
    return this.#manager.prestart().catch((err: unknown) => this.#log.warn({ err }, "starting the OpenCode server early failed; retried per agent"));
  }

  async stopAgent(agentId: string): Promise<void> {
    await this.#bridge.abortAgent(agentId);
    await this.#manager.stopAgent(agentId);
  }

  prompt(agentId: string, conversationKey: string, text: string, options: PromptOptions = {}): Promise<PromptResult> {
    return this.#bridge.prompt(agentId, conversationKey, text, options);
  }

  abort(agentId: string, conversationKey: string): Promise<void> {
    return this.#bridge.abort(agentId, conversationKey);
  }

  turnOf(agentId: string, sessionId: string): string | undefined {
    return this.#bridge.turnOf(agentId, sessionId);
  }

  agentOfSession(sessionId: string): string | undefined {
    return this.#bridge.agentOfSession(sessionId);
  }

  async removeAgent(agentId: string): Promise<{ sessions: number }> {
    await this.#bridge.abortAgent(agentId);
    const ids = await this.#store.takeAgent(agentId);
    // Its server still runs (it is stopped below): delete the sessions there too; an unreachable server keeps them.
    const target = await this.#manager.target(agentId).catch(() => undefined);
    if (target) {
      await Promise.all(
        ids.map((id) =>
          target.client.session.delete({ path: { id }, query: { directory: target.directory }, signal: AbortSignal.timeout(5000) }).catch(() => undefined),
        ),
      );
    }
    await this.#manager.stopAgent(agentId);
    return { sessions: ids.length };
  }

  expireIdleSessions(): Promise<number> {
    return this.#expiry();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#expiryTimer);
    await this.#manager.close();
    await this.#store.close();
  }

  killNow(): void {
    this.#manager.killNow();
  }
}

/** Builds the runtime; nothing starts until ensureAgent. */
export function createOpencodeRuntime(options: OpencodeRuntimeOptions): OpencodeRuntime {
  return new Runtime(options);
}
