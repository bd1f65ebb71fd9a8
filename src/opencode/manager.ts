import { realpathSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import type { OpencodeClient } from "@opencode-ai/sdk";
import type { Logger } from "pino";
import PQueue from "p-queue";
import { inheritedFiles, writeAgentConfig, type AgentRole } from "./agent-config.js";
import { opencodeHome, prepareOpencodeHome, serverEnv } from "./env.js";
import { BridgeError } from "./errors.js";
import { writeFileAtomic } from "../fs/atomic-write.js";
import type { ModelSettings } from "./model.js";
import { OpencodeServer } from "./server.js";

/** An agent as the runtime needs it to run. */
export interface RuntimeAgent {
  id: string;
  name: string;
  persona: string;
  port: number;
  role: AgentRole;
}

export interface RestartPolicy {
  baseMs: number;
  capMs: number;
  /** Consecutive failed (re)starts before the agent is reported failed and left stopped. */
  maxFailures: number;
  /** A server that ran this long before crashing starts counting failures afresh. */
  stableMs: number;
}

export interface ManagerOptions {
  mode: "isolated" | "shared";
  command: string;
  dataDir: string;
  agentsDir: string;
  /** The shared server's port (shared mode). */
  basePort: number;
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

/** What a benchmark reads about one server. */
export interface ServerStats {
  name: string;
  pid: number | undefined;
  port: number;
  agents: string[];
  startMs: number | undefined;
  startedAt: number | undefined;
  rssBytes: number;
  restarts: number;
}

interface Slot {
  name: string;
  port: number;
  cwd: string;
  env: Record<string, string>;
  server: OpencodeServer;
  agents: Set<string>;
  ready: Promise<void>;
  failures: number;
  restarts: number;
  failed: string | undefined;
  timer: NodeJS.Timeout | undefined;
}

interface AgentEntry {
  dir: string;
  key: string;
  slot: Slot;
}

const SHARED = "shared";

/** Starts, supervises and stops OpenCode servers: one per agent (isolated) or one for all (shared). */
export class ServerManager {
  readonly #o: ManagerOptions;
  readonly #policy: RestartPolicy;
  readonly #log: Logger;
  readonly #agents = new Map<string, AgentEntry>();
  readonly #slots = new Map<string, Slot>();
  readonly #keysFile: string;
  readonly #exitHook = () => this.#killAllNow();
  #closed = false;
  readonly #keysWrite = new PQueue({ concurrency: 1 });
  #prepared: Promise<void> | undefined;

  /** ensureAgent calls in progress, so a prompt that arrives first can wait for them. */
  readonly #ensuring = new Map<string, Promise<void>>();
  constructor(options: ManagerOptions) {
    this.#o = options;
    this.#policy = { baseMs: 500, capMs: 30_000, maxFailures: 5, stableMs: 60_000, ...options.restart };
    this.#log = options.logger.child({ component: "opencode" });
    this.#keysFile = path.join(opencodeHome(options.dataDir), "agent-keys.json");
    // Last resort when the supervisor exits without close(): no server may outlive it.
    process.on("exit", this.#exitHook);
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

  async #ensure(agent: RuntimeAgent, apiKey: string): Promise<void> {
    if (this.#closed) throw new BridgeError("CLOSED", "the OpenCode runtime is closed");
    this.#o.secrets?.add(apiKey);
    this.#prepared ??= prepareOpencodeHome(this.#o.dataDir);
    await this.#prepared;
    const dir = path.resolve(this.#o.agentsDir, agent.id);
    await mkdir(dir, { recursive: true });
    const changed = await writeAgentConfig({ id: agent.id, role: agent.role, dir, model: this.#o.model });
    const expected = new Set((this.#o.expectedParentFiles ?? []).map((f) => path.resolve(f)));
    const inherited = inheritedFiles(dir).filter((f) => !expected.has(path.resolve(f)));
    if (inherited.length) this.#log.warn({ agent: agent.id, files: inherited }, "OpenCode also loads these files above the agent directory");
    const existing = this.#agents.get(agent.id);
    if (this.#o.mode === "isolated") {
      if (existing && !changed && existing.key === apiKey && existing.slot.port === agent.port && !existing.slot.failed) return existing.slot.ready;
      if (existing) await this.stopAgent(agent.id);
      const env = serverEnv({ dataDir: this.#o.dataDir, stateKey: agent.id, model: this.#o.model, apiUrl: this.#o.apiUrl, agentKey: apiKey });
      const slot = this.#newSlot(agent.id, agent.port, dir, env);
      slot.agents.add(agent.id);
      this.#agents.set(agent.id, { dir, key: apiKey, slot });
      try {
        await slot.ready;
        await this.#warmUp(slot, dir, agent.id);
      } catch (error) {
        await this.stopAgent(agent.id);
        throw error;
      }
      return;
    }
    const slot = this.#sharedSlot();
    this.#agents.set(agent.id, { dir, key: apiKey, slot });
    slot.agents.add(agent.id);
    await this.#writeKeys();
    await slot.ready;
    if (existing && (changed || existing.key !== apiKey)) await this.#dispose(slot, dir);
    await this.#warmUp(slot, dir, agent.id);
  }

  /** Stops the agent's server (isolated) or unloads its directory from the shared server. */
  async stopAgent(agentId: string): Promise<void> {
    const entry = this.#agents.get(agentId);
    if (!entry) return;
    this.#agents.delete(agentId);
    entry.slot.agents.delete(agentId);
    if (this.#o.mode === "isolated") {
      await this.#stopSlot(entry.slot);
      return;
    }
    await this.#writeKeys();
    if (entry.slot.server.running) await this.#dispose(entry.slot, entry.dir).catch(() => undefined);
  }

  /** A client for the agent's server (waits while it restarts). */
  async target(agentId: string): Promise<{ client: OpencodeClient; directory: string }> {
    // The bot's Discord login runs alongside ensureAgent: a prompt may come before it registered.
    const pending = this.#ensuring.get(agentId);
    if (pending && !this.#agents.has(agentId)) await pending.catch(() => undefined);
    const entry = this.#agents.get(agentId);
    if (!entry) throw new BridgeError("AGENT_UNAVAILABLE", `agent "${agentId}" has no running OpenCode server`);
    if (entry.slot.failed) throw new BridgeError("AGENT_UNAVAILABLE", entry.slot.failed);
    await entry.slot.ready;
    const client = this.#o.mode === "shared" ? entry.slot.server.client(entry.dir) : entry.slot.server.client();
    return { client, directory: entry.dir };
  }

  /** The server an agent runs on (for tests and benchmarks). */
  serverOf(agentId: string): OpencodeServer | undefined {
    return this.#agents.get(agentId)?.slot.server;
  }

  stats(): ServerStats[] {
    return [...this.#slots.values()].map((s) => ({
      name: s.name,
      pid: s.server.pid,
      port: s.port,
      agents: [...s.agents],
      startMs: s.server.startMs,
      startedAt: s.server.startedAt,
      rssBytes: s.server.rss(),
      restarts: s.restarts,
    }));
  }

  /** Stops every server (also one still starting) and forgets the keys. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#slots.values()].map((s) => this.#stopSlot(s)));
    this.#agents.clear();
    await rm(this.#keysFile, { force: true });
    process.off("exit", this.#exitHook);
  }

  #sharedSlot(): Slot {
    const existing = this.#slots.get(SHARED);
    if (existing && !existing.failed) return existing;
    if (existing) this.#slots.delete(SHARED);
    const cwd = path.resolve(this.#o.agentsDir);
    const env = serverEnv({ dataDir: this.#o.dataDir, stateKey: SHARED, model: this.#o.model, apiUrl: this.#o.apiUrl, keysFile: this.#keysFile });
    return this.#newSlot(SHARED, this.#o.basePort, cwd, env);
  }

  #newSlot(name: string, port: number, cwd: string, env: Record<string, string>): Slot {
    const slot: Slot = { name, port, cwd, env, server: this.#server(name, port, cwd, env), agents: new Set(), ready: Promise.resolve(), failures: 0, restarts: 0, failed: undefined, timer: undefined };
    slot.ready = this.#startSlot(slot);
    slot.ready.catch(() => undefined);
    this.#slots.set(name, slot);
    return slot;
  }

  #server(name: string, port: number, cwd: string, env: Record<string, string>): OpencodeServer {
    const { command, healthTimeoutMs, secrets } = this.#o;
    return new OpencodeServer({ name, command, cwd, port, env, healthTimeoutMs, logger: this.#log.child({ agent: name }), ...(secrets ? { secrets } : {}) });
  }

  async #startSlot(slot: Slot): Promise<void> {
    slot.server.onUnexpectedExit = (message) => this.#crashed(slot, message);
    await slot.server.start();
  }

  #crashed(slot: Slot, message: string): void {
    if (this.#closed || this.#slots.get(slot.name) !== slot) return;
    const ranFor = Date.now() - (slot.server.startedAt ?? Date.now());
    if (ranFor >= this.#policy.stableMs) slot.failures = 0;
    slot.failures += 1;
    if (slot.failures > this.#policy.maxFailures) {
      slot.failed = `${message} (gave up after ${this.#policy.maxFailures} restarts)`;
      this.#log.error({ agent: slot.name }, slot.failed);
      for (const agent of slot.agents) this.#o.onFailure?.(agent, slot.failed);
      return;
    }
    const delay = Math.min(this.#policy.baseMs * 2 ** (slot.failures - 1), this.#policy.capMs);
    this.#log.warn({ agent: slot.name, delayMs: delay, attempt: slot.failures }, "restarting OpenCode server");
    let release!: () => void;
    let fail!: (e: unknown) => void;
    slot.ready = new Promise<void>((resolve, reject) => ((release = resolve), (fail = reject)));
    slot.ready.catch(() => undefined);
    slot.timer = setTimeout(() => {
      slot.timer = undefined;
      if (this.#closed) return fail(new BridgeError("CLOSED", "the OpenCode runtime is closed"));
      slot.server = this.#server(slot.name, slot.port, slot.cwd, slot.env);
      slot.restarts += 1;
      this.#startSlot(slot).then(
        () => {
          release();
          // Tools load lazily per directory: load them now, not on the next user's prompt.
          for (const agent of slot.agents) {
            const entry = this.#agents.get(agent);
            if (entry) void this.#warmUp(slot, entry.dir, agent).catch(() => undefined);
          }
        },
        (error: unknown) => {
          fail(error);
          this.#crashed(slot, error instanceof Error ? error.message : String(error));
        },
      );
    }, delay);
  }

  async #stopSlot(slot: Slot): Promise<void> {
    if (slot.timer) clearTimeout(slot.timer);
    if (this.#slots.get(slot.name) === slot) this.#slots.delete(slot.name);
    await slot.server.stop();
  }

  /** Loads the agent's directory (config, AGENTS.md, tools) and checks its tools are there. */
  async #warmUp(slot: Slot, dir: string, agentId: string): Promise<void> {
    const { data, response } = await slot.server.client().tool.ids({ query: { directory: dir }, signal: AbortSignal.timeout(this.#o.healthTimeoutMs) });
    if (!(data ?? []).includes("send_message")) {
      throw new BridgeError("AGENT_UNAVAILABLE", `OpenCode did not load the tools of agent "${agentId}" (HTTP ${response.status})${slot.server.stderrTail ? `; last stderr lines:\n${slot.server.stderrTail}` : ""}`);
    }
  }

  async #dispose(slot: Slot, dir: string): Promise<void> {
    await slot.server.client().instance.dispose({ query: { directory: dir } });
  }

  /** Shared mode: the agent directory → key map the tools read (outside every agent directory); writes are serialized. */
  #writeKeys(): Promise<void> {
    if (this.#o.mode !== "shared") return Promise.resolve();
    return this.#keysWrite.add(() => this.#writeKeysNow());
  }

  async #writeKeysNow(): Promise<void> {
    const keys: Record<string, string> = {};
    for (const entry of this.#agents.values()) {
      keys[entry.dir] = entry.key;
      try {
        keys[realpathSync(entry.dir)] = entry.key;
      } catch {
        // directory vanished; the resolved path is enough
      }
    }
    await writeFileAtomic(this.#keysFile, JSON.stringify(keys), 0o600);
  }

  #killAllNow(): void {
    for (const slot of this.#slots.values()) slot.server.killNow();
  }
}
