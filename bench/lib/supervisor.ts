import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import getPort from "get-port";
import { TemplateAgentFiles } from "../../src/agents/index.js";
import { createLogger } from "../../src/log/index.js";
import type { Agent } from "../../src/registry/index.js";
import { isAlive, processTree, treeRss } from "../../src/opencode/proc.js";
import { median, sleep } from "./stats.js";
import type { BenchBot, World } from "./world.js";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const MAIN = path.join(ROOT, "src", "main.ts");
const TSX = import.meta.resolve("tsx");
/** RSS of one process (no children), bytes. */
function ownRss(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

export const ADMIN_KEY = "bench-admin-key-0123456789abcdef";

/** One "replied" line the supervisor logs per answered message. */
export interface ReplyTiming {
  message: string;
  gatewayMs: number;
  routeMs: number;
  contextMs: number;
  opencodeMs: number;
  postMs: number;
}

export interface SupervisorFiles {
  dir: string;
  env: Record<string, string>;
}

/** Writes a registry with the given bots active (tokens stored, as after activation) and their AGENTS.md. */
export async function prepareFiles(dir: string, mode: "project" | "isolated" | "shared", world: World, bots: BenchBot[]): Promise<SupervisorFiles> {
  const agentsDir = path.join(dir, "agents");
  await mkdir(agentsDir, { recursive: true });
  const files = new TemplateAgentFiles(agentsDir, createLogger({ level: "silent" }).logger, path.join(ROOT, "agents"));
  const agents: Record<string, Agent> = {};
  const now = new Date().toISOString();
  for (const bot of bots) {
    const agent: Agent = {
      id: bot.agentId,
      name: bot.name,
      persona: bot.persona,
      port: await getPort(),
      status: "active",
      token: bot.token,
      discord_user_id: bot.userId,
      created_at: now,
      activated_at: now,
    };
    agents[bot.agentId] = agent;
    await files.write(agent);
  }
  const registryPath = path.join(dir, "registry.json");
  await writeFile(registryPath, JSON.stringify({ agents, next_port: await getPort() }, null, 2), { mode: 0o600 });
  const env: Record<string, string> = {
    BOBB_DISCORD_TOKEN: world.bobb.token,
    DISCORD_API_URL: `${world.sandbox.url}/api`,
    BOBB_API_KEY: ADMIN_KEY,
    BOBB_API_PORT: String(await getPort()),
    BOBB_OPENCODE_PORT: String(await getPort()),
    BOBB_CHILD_PORT_START: String(await getPort()),
    BOBB_ROOMS_PORT: String(await getPort()),
    BOBB_DATA_DIR: path.join(dir, "data"),
    BOBB_REGISTRY_PATH: registryPath,
    BOBB_AGENTS_DIR: agentsDir,
    BOBB_OPENCODE_MODE: mode,
    BOBB_MODEL_BASE_URL: world.model.url,
    BOBB_MODEL: "demo/demo",
    // Many servers starting at once on a small machine (isolated mode) need more than the default 30 s.
    OPENCODE_HEALTH_TIMEOUT: "180000",
    LOG_LEVEL: "info",
  };
  return { dir, env };
}

/** The real supervisor (`node --import tsx src/main.ts`) as a separate process, so its memory is its own. */
export class SupervisorProcess {
  /** Every supervisor still running, so an interrupted run can stop them. */
  static readonly live = new Set<SupervisorProcess>();
  /** Extra Node flags for the supervisors started from now on (e.g. --cpu-prof; not allowed in NODE_OPTIONS). */
  static nodeArgs: string[] = [];
  readonly timings: ReplyTiming[] = [];
  readonly tail: string[] = [];
  readonly startedAt = performance.now();
  #exit: Promise<number | null>;

  private constructor(
    readonly child: ChildProcess,
    readonly files: SupervisorFiles,
  ) {
    this.#exit = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
    SupervisorProcess.live.add(this);
    void this.#exit.then(() => SupervisorProcess.live.delete(this));
    const lines = createInterface({ input: child.stdout! });
    lines.on("line", (line) => this.#line(line));
    createInterface({ input: child.stderr! }).on("line", (line) => this.#keep(line));
  }

  static start(files: SupervisorFiles): SupervisorProcess {
    const inherited: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) {
      if (v !== undefined && !/^(BOBB_|DISCORD_|ANTHROPIC_|OPENCODE_|SANDBOX_|LOG_LEVEL)/.test(k)) inherited[k] = v;
    }
    const child = spawn(process.execPath, [...SupervisorProcess.nodeArgs, "--import", TSX, MAIN], {
      cwd: files.dir,
      env: { ...inherited, ...files.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    return new SupervisorProcess(child, files);
  }

  get pid(): number {
    return this.child.pid!;
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.files.env.BOBB_API_PORT}`;
  }

  /** RSS of the supervisor and every descendant (OpenCode servers and their children), median of 3 samples. */
  async rss(): Promise<{ total: number; supervisor: number }> {
    const total: number[] = [];
    const own: number[] = [];
    for (let i = 0; i < 3; i++) {
      total.push(treeRss(this.pid));
      own.push(ownRss(this.pid));
      await sleep(250);
    }
    return { total: median(total), supervisor: median(own) };
  }

  processCount(): number {
    return processTree(this.pid).length;
  }

  /** Calls the tool API as the operator. */
  async api(method: string, url: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    const res = await fetch(this.apiUrl + url, {
      method,
      headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, json: text ? (JSON.parse(text) as unknown) : undefined };
  }

  /** Rejects when the process exits before `promise` settles (start-up failure). */
  async alive<T>(promise: Promise<T>): Promise<T> {
    return Promise.race([
      promise,
      this.#exit.then((code) => {
        throw new Error(`supervisor exited (code ${code}) — last lines:\n${this.tail.slice(-15).join("\n")}`);
      }),
    ]);
  }

  /** Sends a signal and waits for the exit; returns ms until the process (and all its children) are gone. */
  async stop(signal: NodeJS.Signals = "SIGTERM", timeoutMs = 30_000): Promise<number> {
    const began = performance.now();
    const tree = processTree(this.pid);
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill("SIGKILL"), timeoutMs);
    await this.#exit;
    clearTimeout(timer);
    const exited = performance.now() - began;
    // No OpenCode server may outlive its supervisor.
    for (let i = 0; i < 100 && tree.some((p) => p !== this.pid && isAlive(p)); i++) await sleep(50);
    const left = tree.filter((p) => p !== this.pid && isAlive(p));
    if (left.length) {
      for (const p of left) process.kill(p, "SIGKILL");
      throw new Error(`processes left behind by the supervisor: ${left.join(", ")}`);
    }
    return exited;
  }

  #line(line: string): void {
    this.#keep(line);
    if (!line.includes('"replied"')) return;
    try {
      const entry = JSON.parse(line) as Partial<ReplyTiming> & { msg?: string };
      if (entry.msg === "replied" && typeof entry.message === "string") this.timings.push(entry as ReplyTiming);
    } catch {
      // not a JSON line
    }
  }

  #keep(line: string): void {
    this.tail.push(line);
    if (this.tail.length > 200) this.tail.shift();
  }
}
