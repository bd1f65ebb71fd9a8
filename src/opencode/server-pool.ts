import type { Logger } from "pino";
import { BridgeError } from "./errors.js";
import type { ServerPidFile } from "./orphans.js";
import { OpencodeServer } from "./server.js";

export interface RestartPolicy {
  baseMs: number;
  capMs: number;
  /** Consecutive failed (re)starts before the agent is reported failed and left stopped. */
  maxFailures: number;
  /** A server that ran this long before crashing starts counting failures afresh. */
  stableMs: number;
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

/** One supervised `opencode serve`: an agent's own (isolated) or everyone's (shared). */
export interface Slot {
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

export interface ServerPoolOptions {
  command: string;
  healthTimeoutMs: number;
  logger: Logger;
  secrets?: { add(value: string): void; delete(value: string): void } | undefined;
  restart?: Partial<RestartPolicy> | undefined;
  /** Where started servers are recorded, so the next run can stop what a crash left behind. */
  pids?: ServerPidFile | undefined;
  /** The directory of an agent still registered, to warm it up after a restart. */
  dirOf(agentId: string): string | undefined;
  /** A slot gave up restarting: every agent on it failed for good. */
  onFailure?: ((agentId: string, message: string) => void) | undefined;
}

/** Starts OpenCode servers and keeps them running: restart with backoff, give up after too many failures. */
export class ServerPool {
  readonly #o: ServerPoolOptions;
  readonly #policy: RestartPolicy;
  readonly #log: Logger;
  readonly #slots = new Map<string, Slot>();
  #closed = false;

  constructor(options: ServerPoolOptions) {
    this.#o = options;
    this.#policy = { baseMs: 500, capMs: 30_000, maxFailures: 5, stableMs: 60_000, ...options.restart };
    this.#log = options.logger;
  }

  get(name: string): Slot | undefined {
    return this.#slots.get(name);
  }

  /** Forgets a slot without stopping it (a failed shared slot being replaced). */
  forget(name: string): void {
    this.#slots.delete(name);
  }

  /** Starts a server; its `ready` settles when it is healthy. */
  newSlot(name: string, port: number, cwd: string, env: Record<string, string>): Slot {
    const slot: Slot = {
      name,
      port,
      cwd,
      env,
      server: this.#server(name, port, cwd, env),
      agents: new Set(),
      ready: Promise.resolve(),
      failures: 0,
      restarts: 0,
      failed: undefined,
      timer: undefined,
    };
    slot.ready = this.#startSlot(slot);
    slot.ready.catch(() => undefined);
    this.#slots.set(name, slot);
    return slot;
  }

  async stopSlot(slot: Slot): Promise<void> {
    if (slot.timer) clearTimeout(slot.timer);
    if (this.#slots.get(slot.name) === slot) this.#slots.delete(slot.name);
    await slot.server.stop();
  }

  /** Loads the agent's directory (config, AGENTS.md, tools) and checks its tools are there. */
  async warmUp(slot: Slot, dir: string, agentId: string): Promise<void> {
    const { data, response } = await slot.server.client().tool.ids({ query: { directory: dir }, signal: AbortSignal.timeout(this.#o.healthTimeoutMs) });
    if (!(data ?? []).includes("send_message")) {
      throw new BridgeError(
        "AGENT_UNAVAILABLE",
        `OpenCode did not load the tools of agent "${agentId}" (HTTP ${response.status})${slot.server.stderrTail ? `; last stderr lines:\n${slot.server.stderrTail}` : ""}`,
      );
    }
  }

  /** Unloads one directory's instance from a server (its config is read again on next use). */
  async dispose(slot: Slot, dir: string): Promise<void> {
    this.#log.info({ agent: slot.name, directory: dir }, "unloading an OpenCode directory (its config is read again on next use)");
    await slot.server.client().instance.dispose({ query: { directory: dir } });
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

  /** Stops every server, also one still starting or waiting to restart. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#slots.values()].map((s) => this.stopSlot(s)));
  }

  /** Kills every server synchronously (the supervisor's last resort at process exit). */
  killNow(): void {
    for (const slot of this.#slots.values()) slot.server.killNow();
  }

  #server(name: string, port: number, cwd: string, env: Record<string, string>): OpencodeServer {
    const { command, healthTimeoutMs, secrets } = this.#o;
    return new OpencodeServer({
      name,
      command,
      cwd,
      port,
      env,
      healthTimeoutMs,
      logger: this.#log.child({ agent: name }),
      ...(secrets ? { secrets } : {}),
      ...(this.#o.pids ? { pids: this.#o.pids } : {}),
    });
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
          // Project mode: every child bot shares one directory, warmed once.
          const dirs = new Map<string, string>();
          for (const agent of slot.agents) {
            const dir = this.#o.dirOf(agent);
            if (dir && !dirs.has(dir)) dirs.set(dir, agent);
          }
          for (const [dir, agent] of dirs) void this.warmUp(slot, dir, agent).catch(() => undefined);
        },
        (error: unknown) => {
          fail(error);
          this.#crashed(slot, error instanceof Error ? error.message : String(error));
        },
      );
    }, delay);
  }
}
