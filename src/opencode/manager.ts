import { mkdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { written } from "../fs/write-barrier.js";
import type { OpencodeClient } from "@opencode-ai/sdk";
import type { Logger } from "pino";
import { inheritedFiles, writeAgentConfig } from "./agent-config.js";
import { opencodeHome, prepareOpencodeHome } from "./env.js";
import { BridgeError } from "./errors.js";
import { IsolatedMode } from "./isolated-mode.js";
import type { ModelSettings } from "./model.js";
import { ServerPidFile } from "./orphans.js";
import type { OpencodeServer } from "./server.js";
import type { AgentEntry, ModeContext, RuntimeAgent, ServerMode } from "./server-mode.js";
import { ServerPool, type RestartPolicy, type ServerStats } from "./server-pool.js";
import { checkOfferedTools } from "./tool-check.js";
import { SharedMode } from "./shared-mode.js";
import { ProjectMode } from "./project-mode.js";

export type { RuntimeAgent } from "./server-mode.js";
export type { RestartPolicy, ServerStats } from "./server-pool.js";

export interface ManagerOptions {
  mode: "isolated" | "shared" | "project";
  command: string;
  dataDir: string;
  agentsDir: string;
  /** The shared server's port (shared and project mode). */
  basePort: number;
  /** Project mode: the key the child bots' tools present; the tool API resolves the bot from the session. */
  projectKey?: string | undefined;
  healthTimeoutMs: number;
  model: ModelSettings;
  apiUrl: string;
  logger: Logger;
  secrets?: { add(value: string): void; delete(value: string): void };
  onFailure?: (agentId: string, message: string) => void;
  restart?: Partial<RestartPolicy>;
  /** Config files above agent directories that are there on purpose (the project's base opencode.json). */
  expectedParentFiles?: readonly string[];
}

/** Starts, supervises and stops OpenCode servers: one per agent (isolated) or one for all (shared). */
export class ServerManager {
  readonly #o: ManagerOptions;
  readonly #log: Logger;
  readonly #agents = new Map<string, AgentEntry>();
  readonly #pool: ServerPool;
  readonly #mode: ServerMode;
  readonly #keysFile: string;
  readonly #pids: ServerPidFile;
  #closed = false;
  #prepared: Promise<void> | undefined;
  /** ensureAgent calls in progress, so a prompt that arrives first can wait for them. */
  readonly #ensuring = new Map<string, Promise<void>>();
  /** Config writes per directory, one at a time (in project mode every bot shares one). */
  readonly #configWrites = new Map<string, Promise<boolean>>();

  constructor(options: ManagerOptions) {
    this.#o = options;
    this.#log = options.logger.child({ component: "opencode" });
    this.#keysFile = path.join(opencodeHome(options.dataDir), "agent-keys.json");
    this.#pids = new ServerPidFile(path.join(opencodeHome(options.dataDir), "pids.json"), this.#log);
    this.#pool = new ServerPool({
      pids: this.#pids,
      command: options.command,
      healthTimeoutMs: options.healthTimeoutMs,
      logger: this.#log,
      secrets: options.secrets,
      restart: options.restart,
      dirOf: (agentId) => this.#agents.get(agentId)?.dir,
      onFailure: options.onFailure,
    });
    const ctx: ModeContext = { pool: this.#pool, agents: this.#agents, settings: options, stopAgent: (agentId) => this.stopAgent(agentId) };
    this.#mode =
      options.mode === "project"
        ? new ProjectMode(ctx, this.#keysFile)
        : options.mode === "shared"
          ? new SharedMode(ctx, this.#keysFile)
          : new IsolatedMode(ctx);
  }

  /** Writes the agent's config and makes its server ready; idempotent, restarts when something changed. */
  async ensureAgent(agent: RuntimeAgent, apiKey: string): Promise<void> {
    const run = this.#ensure(agent, apiKey);
    this.#ensuring.set(agent.id, run);
    try {
      await run;
    } finally {
      if (this.#ensuring.get(agent.id) === run) this.#ensuring.delete(agent.id);
    }
  }

  /** Starts what the mode always needs before any agent is registered; failures surface in ensureAgent. */
  async prestart(): Promise<void> {
    if (this.#closed || !this.#mode.prestart) return;
    await this.#prepare();
    await this.#mode.prestart((id, role, dir) => this.#writeConfig(id, role, dir));
  }

  /** Servers a crashed earlier run left behind hold ports and memory: stop them before starting any. */
  #prepare(): Promise<void> {
    this.#prepared ??= Promise.all([prepareOpencodeHome(this.#o.dataDir), this.#pids.reclaim()]).then(() => undefined);
    return this.#prepared;
  }

  async #ensure(agent: RuntimeAgent, apiKey: string): Promise<void> {
    if (this.#closed) throw new BridgeError("CLOSED", "the OpenCode runtime is closed");
    this.#o.secrets?.add(apiKey);
    await this.#prepare();
    const { dir, configId } = this.#mode.configDir(agent);
    const changed = await this.#writeConfig(configId, agent.role, dir);
    const expected = new Set((this.#o.expectedParentFiles ?? []).map((f) => path.resolve(f)));
    const inherited = inheritedFiles(dir).filter((f) => !expected.has(path.resolve(f)));
    if (inherited.length) this.#log.warn({ agent: agent.id, files: inherited }, "OpenCode also loads these files above the agent directory");
    await this.#mode.ensure(agent, dir, apiKey, changed, this.#agents.get(agent.id));
    const entry = this.#agents.get(agent.id);
    if (!entry) return;
    await entry.slot.ready;
    try {
      await checkOfferedTools(this.#mode.client(entry), agent.id, agent.role);
    } catch (err) {
      await this.stopAgent(agent.id);
      throw err;
    }
  }

  /** Writes a config directory; writes of the same directory run one after another. */
  #writeConfig(id: string, role: RuntimeAgent["role"], dir: string): Promise<boolean> {
    const before = this.#configWrites.get(dir) ?? Promise.resolve(false);
    const run = before
      .catch(() => false)
      .then(async () => {
        await mkdir(dir, { recursive: true });
        return writeAgentConfig({ id, role, dir, model: this.#o.model });
      });
    this.#configWrites.set(dir, run);
    void run
      .finally(() => {
        if (this.#configWrites.get(dir) === run) this.#configWrites.delete(dir);
      })
      .catch(() => undefined);
    return run;
  }

  /** Stops the agent's server (isolated) or unloads its directory from the shared server. */
  async stopAgent(agentId: string): Promise<void> {
    const entry = this.#agents.get(agentId);
    if (!entry) return;
    this.#agents.delete(agentId);
    entry.slot.agents.delete(agentId);
    await this.#mode.stop(entry);
  }

  /** A client for the agent's server (waits while it restarts). */
  async target(agentId: string): Promise<{ client: OpencodeClient; directory: string; exited: Promise<void>; system?: string }> {
    // The bot's Discord login runs alongside ensureAgent: a prompt may come before it registered.
    const pending = this.#ensuring.get(agentId);
    if (pending && !this.#agents.has(agentId)) await pending.catch(() => undefined);
    const entry = this.#agents.get(agentId);
    if (!entry) throw new BridgeError("AGENT_UNAVAILABLE", `agent "${agentId}" has no running OpenCode server`);
    if (entry.slot.failed) throw new BridgeError("AGENT_UNAVAILABLE", entry.slot.failed);
    await entry.slot.ready;
    const system = entry.personaFile ? await personaPrompt(agentId, entry.personaFile) : undefined;
    return { client: this.#mode.client(entry), directory: entry.dir, exited: entry.slot.server.exited, ...(system ? { system } : {}) };
  }

  /** The server an agent runs on (for tests and benchmarks). */
  serverOf(agentId: string): OpencodeServer | undefined {
    return this.#agents.get(agentId)?.slot.server;
  }

  stats(): ServerStats[] {
    return this.#pool.stats();
  }

  /** Stops every server (also one still starting) and forgets the keys. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#pool.close();
    this.#agents.clear();
    await this.#mode.close();
    await rm(this.#keysFile, { force: true });
    await this.#pids.flush();
  }

  /** Kills every server synchronously (the supervisor's last resort at process exit). */
  killNow(): void {
    this.#pool.killNow();
  }
}

/**
 * A project-mode bot's system prompt: its AGENTS.md (read at each prompt, so an edit applies at
 * the next one), after a marker naming the bot (no secret; the scripted model reads it in tests).
 */
async function personaPrompt(agentId: string, file: string): Promise<string> {
  // A rewrite started before this prompt (a persona edit from another host, a hand edit of the registry) lands first.
  await written(file);
  const text = await readFile(file, "utf8").catch(() => undefined);
  if (text === undefined) throw new BridgeError("AGENT_UNAVAILABLE", `agent "${agentId}" has no AGENTS.md (its persona)`);
  return `<!-- bobb-agent: ${agentId} -->\n${text}`;
}
