import { randomBytes } from "node:crypto";
import { stripVTControlCharacters } from "node:util";
import { createOpencodeClient, type OpencodeClient } from "@opencode-ai/sdk";
// The v1 client has no health call; v2's `global.health` is the same route (/global/health).
import { createOpencodeClient as createV2Client, type OpencodeClient as V2Client } from "@opencode-ai/sdk/v2/client";
import { execa } from "execa";
import type { Logger } from "pino";
import { ServerStartError } from "./errors.js";
import { serveArgs, withParentDeathSignal, type ServerPidFile } from "./orphans.js";
import { isAlive, treeRss } from "./proc.js";

const STDERR_LINES = 30;
const STOP_GRACE_MS = 3000;

export interface ServerOptions {
  /** The agent id, or "shared": used in errors and logs. */
  name: string;
  command: string;
  cwd: string;
  port: number;
  /** The complete environment of the server (nothing else of ours is inherited). */
  env: Record<string, string>;
  healthTimeoutMs: number;
  logger: Logger;
  secrets?: { add(value: string): void; delete(value: string): void };
  /** Where the server's pid is recorded while it runs, so a later start can stop it after a crash. */
  pids?: Pick<ServerPidFile, "started" | "exited">;
}

/** One `opencode serve` process on loopback with its own random password. */
export class OpencodeServer {
  readonly password = randomBytes(24).toString("base64url");
  readonly url: string;
  /** Called when the process exits without stop() having been asked. */
  onUnexpectedExit: ((message: string) => void) | undefined;
  startedAt: number | undefined;
  /** How long the last start took until healthy, in ms. */
  startMs: number | undefined;
  readonly #options: ServerOptions;
  readonly #log: Logger;
  readonly #auth: string;
  readonly #probe: V2Client;
  #child: ServerChild | undefined;
  #stderr: string[] = [];
  #stopping = false;
  #ready = false;
  #exited: Promise<void> = Promise.resolve();

  constructor(options: ServerOptions) {
    this.#options = options;
    this.url = `http://127.0.0.1:${options.port}`;
    this.#auth = `Basic ${Buffer.from(`opencode:${this.password}`).toString("base64")}`;
    this.#log = options.logger;
    this.#probe = createV2Client({ baseUrl: this.url, headers: { authorization: this.#auth } });
    options.secrets?.add(this.password);
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Settles when the process of the current start exits (expected or not). */
  get exited(): Promise<void> {
    return this.#exited;
  }

  get running(): boolean {
    return this.#child !== undefined && !this.#stopping;
  }

  /** Spawns the server in its own process group and waits until it answers its health route. */
  async start(): Promise<void> {
    if (this.#child) return;
    this.#stopping = false;
    this.#ready = false;
    this.#stderr = [];
    const began = Date.now();
    const { command, cwd, port, env } = this.#options;
    const child = spawnServer(command, port, cwd, { ...env, OPENCODE_SERVER_PASSWORD: this.password });
    this.#child = child;
    if (child.pid) this.#options.pids?.started(child.pid, this.#options.name, [command, ...serveArgs(port)]);
    const onLine = (stream: "stdout" | "stderr") => (chunk: Buffer) => {
      for (const line of chunk.toString("utf8").split("\n")) {
        const clean = stripVTControlCharacters(line).trim();
        if (!clean) continue;
        if (stream === "stderr") {
          this.#stderr.push(clean);
          if (this.#stderr.length > STDERR_LINES) this.#stderr.shift();
        }
        this.#log.debug({ stream }, clean);
      }
    };
    child.stdout?.on("data", onLine("stdout"));
    child.stderr?.on("data", onLine("stderr"));
    let exited = false;
    this.#exited = child.then(
      (result) => {
        exited = true;
        this.#afterExit(child, `exit code ${String(result.exitCode ?? result.signal)}`);
      },
      () => {
        exited = true;
        this.#afterExit(child, "spawn failed");
      },
    );
    const deadline = began + this.#options.healthTimeoutMs;
    for (;;) {
      if (this.#stopping) throw new ServerStartError(`OpenCode server for agent "${this.#options.name}" was stopped while starting`);
      if (exited || child.exitCode !== null) throw this.#startError(`exited while starting (${this.#describeExit(child)})`);
      if (await this.healthy()) break;
      if (Date.now() > deadline) {
        await this.stop();
        throw this.#startError(`was not healthy within ${this.#options.healthTimeoutMs} ms`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    this.#ready = true;
    this.startedAt = Date.now();
    this.startMs = this.startedAt - began;
    this.#log.info({ port, pid: child.pid, startMs: this.startMs }, "opencode server ready");
  }

  /** One health probe with a short timeout (a server still booting may hold the connection). */
  async healthy(): Promise<boolean> {
    try {
      const { response } = await this.#probe.global.health({ signal: AbortSignal.timeout(1000) });
      return response.ok;
    } catch {
      return false;
    }
  }

  /** An SDK client; `directory` addresses one agent on a shared server. */
  client(directory?: string): OpencodeClient {
    return createOpencodeClient({ baseUrl: this.url, headers: { authorization: this.#auth }, ...(directory ? { directory } : {}) });
  }

  /** Raw authenticated request, for tests that reach routes the SDK does not cover. */
  fetch(route: string, init: RequestInit = {}): Promise<Response> {
    return fetch(`${this.url}${route}`, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: this.#auth } });
  }

  /** Resident memory of the server and its children, in bytes. */
  rss(): number {
    return this.pid ? treeRss(this.pid) : 0;
  }

  /** Stops the whole process group: SIGTERM, then SIGKILL after a grace period. */
  async stop(): Promise<void> {
    this.#stopping = true;
    const child = this.#child;
    if (!child?.pid) return;
    const pid = child.pid;
    killGroup(pid, "SIGTERM");
    const timer = setTimeout(() => killGroup(pid, "SIGKILL"), STOP_GRACE_MS);
    await this.#exited;
    clearTimeout(timer);
    // Whatever the server started in its group goes too.
    killGroup(pid, "SIGKILL");
    this.#options.secrets?.delete(this.password);
  }

  /** Synchronous last-resort kill (process exit handler). */
  killNow(): void {
    this.#stopping = true;
    if (this.#child?.pid) killGroup(this.#child.pid, "SIGKILL");
  }

  get stderrTail(): string {
    return this.#stderr.join("\n");
  }

  #afterExit(child: ServerChild, how: string): void {
    if (this.#child !== child) return;
    this.#child = undefined;
    if (child.pid) killGroup(child.pid, "SIGKILL");
    if (child.pid) this.#options.pids?.exited(child.pid);
    if (this.#stopping || !this.#ready) return;
    const message = `OpenCode server for agent "${this.#options.name}" exited unexpectedly (${how})${this.#tail()}`;
    this.#log.warn({ pid: child.pid }, message);
    this.onUnexpectedExit?.(message);
  }

  #describeExit(child: ServerChild): string {
    return child.exitCode !== null ? `exit code ${child.exitCode}` : child.signalCode ? `signal ${child.signalCode}` : "exited";
  }

  #tail(): string {
    return this.#stderr.length ? `; last stderr lines:\n${this.stderrTail}` : "; no stderr output";
  }

  #startError(what: string): ServerStartError {
    return new ServerStartError(`OpenCode server for agent "${this.#options.name}" on port ${this.#options.port} ${what}${this.#tail()}`);
  }
}

/**
 * `opencode serve` in its own process group (so the group can be killed), with only the given
 * environment, dying with the supervisor where setpriv can arrange it (setpriv execs OpenCode:
 * the pid, and so the group, are OpenCode's).
 */
function spawnServer(command: string, port: number, cwd: string, env: Record<string, string>) {
  const spawned = withParentDeathSignal(command, serveArgs(port));
  return execa(spawned.file, spawned.args, {
    cwd,
    env,
    extendEnv: false,
    detached: true,
    cleanup: false,
    stdin: "ignore",
    reject: false,
    buffer: false,
  });
}

type ServerChild = ReturnType<typeof spawnServer>;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
  if (signal === "SIGKILL" && isAlive(pid)) {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}
