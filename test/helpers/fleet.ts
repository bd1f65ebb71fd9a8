// Several supervisors as real processes (`node --import tsx src/main.ts`, as `npm start` runs it)
// sharing one PostgreSQL database, against one sandbox Discord owned by the test; each host has
// its own temp dir, ports and offline demo model.
import path from "node:path";
import { spawn, type ChildProcess } from "node:child_process";
import pg from "pg";
import { PROJECT_ROOT } from "../../src/app.js";
import { createSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { startPostgres, type TestPostgres } from "./postgres.js";
import { descendants, stillRunning, type ProcId } from "./proc.js";
import { localEnv } from "./supervisor.js";
import { tempDir } from "./temp.js";
import { waitFor } from "./wait.js";

export const FLEET_ADMIN_KEY = "fleet-admin-key-0123456789abcdef";

export interface Host {
  readonly nodeId: string;
  readonly apiUrl: string;
  /** This host's BOBB_AGENTS_DIR (each bot's AGENTS.md). */
  readonly agentsDir: string;
  child: ChildProcess;
  output(): string;
  readonly exited: Promise<void>;
  /** Calls this host's tool API as the operator. */
  api(method: string, route: string, body?: unknown): Promise<{ status: number; json: () => unknown; text: string }>;
}

export interface Fleet {
  pg: TestPostgres;
  db: pg.Pool;
  sandbox: Sandbox;
  hosts: Host[];
  humanId: string;
  /** BoBB's bot user. */
  bobbUserId: string;
  /** agent id → the node holding an unexpired lease on it. */
  holders(): Promise<Map<string, string>>;
  /** Starts one more host (node id `nodeId`) on the same database and sandbox. */
  addHost(nodeId: string): Promise<Host>;
  /** Creates an agent through `via`'s API, its application in the sandbox, and gives it the token. */
  addAgent(via: Host, name: string, persona: string): Promise<{ id: string; userId: string }>;
  close(): Promise<void>;
}

export interface FleetOptions {
  hosts: number;
  leaseTtlMs: number;
  env?: Record<string, string>;
  /** false: file mode (no BOBB_DATABASE_URL), for comparisons; the hosts then share nothing. */
  database?: boolean;
}

export async function startFleet(options: FleetOptions): Promise<Fleet> {
  const server = await startPostgres("fleet");
  const db = new pg.Pool({ connectionString: server.url, max: 2 });
  const sandbox = await createSandbox();
  const bobb = sandbox.control.createApplication("BoBB", { message_content_intent: true });
  sandbox.control.addBotToGuild(sandbox.control.guildId(), bobb.application_id);
  const humanId = sandbox.control.createUser("chris").id;
  const temps: Array<() => Promise<void>> = [];
  const seen = new Map<number, ProcId>();
  const hosts: Host[] = [];

  const startHost = async (nodeId: string): Promise<Host> => {
    const { dir, cleanup } = await tempDir(`bobb-fleet-${nodeId}-`);
    temps.push(cleanup);
    const env: Record<string, string> = {
      PATH: process.env["PATH"] ?? "/usr/bin:/bin",
      HOME: process.env["HOME"] ?? dir,
      ...(await localEnv(dir)),
      BOBB_API_KEY: FLEET_ADMIN_KEY,
      BOBB_DISCORD_TOKEN: bobb.token,
      DISCORD_API_URL: `${sandbox.url}/api`,
      ANTHROPIC_API_KEY: "",
      BOBB_MODEL_BASE_URL: "",
      ...(options.database === false ? {} : { BOBB_DATABASE_URL: server.url }),
      BOBB_NODE_ID: nodeId,
      BOBB_LEASE_TTL: String(options.leaseTtlMs),
      BOBB_LOGIN_SPACING: "0",
      BOBB_OPENCODE_MODE: "project",
      LOG_LEVEL: "info",
      ...options.env,
    };
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], { cwd: PROJECT_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (output += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (output += c));
    let code: number | null | undefined;
    const exited = new Promise<void>((resolve) => child.once("exit", (c) => ((code = c), resolve())));
    const apiUrl = `http://127.0.0.1:${env["BOBB_API_PORT"]}`;
    const host: Host = {
      nodeId,
      agentsDir: path.join(dir, "agents"),
      apiUrl,
      child,
      output: () => output,
      exited,
      api: async (method, route, body) => {
        const res = await fetch(apiUrl + route, {
          method,
          signal: AbortSignal.timeout(15_000),
          headers: { authorization: `Bearer ${FLEET_ADMIN_KEY}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        const text = await res.text();
        return { status: res.status, text, json: () => JSON.parse(text) as unknown };
      },
    };
    await waitFor(
      () => {
        if (code !== undefined) throw new Error(`host ${nodeId} exited (${code}):\n${output}`);
        for (const p of child.pid ? descendants(child.pid) : []) seen.set(p.pid, p);
        return output.includes(options.database === false ? "tool API listening" : "agents held by this host");
      },
      120_000,
      `host ${nodeId} to start`,
    );
    return host;
  };

  const fleet: Fleet = {
    pg: server,
    db,
    sandbox,
    hosts,
    humanId,
    bobbUserId: bobb.bot_user_id,
    addHost: async (nodeId) => {
      const h = await startHost(nodeId);
      hosts.push(h);
      return h;
    },
    holders: async () => {
      const { rows } = await db.query<{ agent_id: string; node_id: string }>("SELECT agent_id, node_id FROM leases WHERE expires_at > now()");
      return new Map(rows.map((r) => [r.agent_id, r.node_id]));
    },
    addAgent: async (via, name, persona) => {
      const created = await via.api("POST", "/api/registry/agents", { name, persona });
      if (created.status !== 201) throw new Error(`create ${name} failed: ${created.text}`);
      const id = (created.json() as { agent: { id: string } }).agent.id;
      const app = sandbox.control.createApplication(name, { message_content_intent: true });
      sandbox.control.addBotToGuild(sandbox.control.guildId(), app.application_id);
      const put = await via.api("PUT", `/api/registry/agents/${id}`, { token: app.token });
      if (put.status !== 200) throw new Error(`token for ${name} failed: ${put.text}`);
      return { id, userId: app.bot_user_id };
    },
    close: async () => {
      for (const h of hosts) for (const p of hostProcesses(h)) seen.set(p.pid, p);
      for (const h of hosts) {
        if (h.child.exitCode === null && h.child.signalCode === null) {
          h.child.kill("SIGCONT");
          h.child.kill("SIGTERM");
        }
      }
      await Promise.race([Promise.all(hosts.map((h) => h.exited)), new Promise((r) => setTimeout(r, 20_000).unref())]);
      for (const h of hosts) if (h.child.exitCode === null && h.child.signalCode === null) h.child.kill("SIGKILL");
      for (const p of seen.values()) if (stillRunning(p)) process.kill(p.pid, "SIGKILL");
      await db.end();
      await sandbox.close();
      await server.stop();
      for (const t of temps) await t();
    },
  };
  try {
    // One after the other: the first host starts BoBB; the others join with nothing to do yet.
    for (let i = 0; i < options.hosts; i++) hosts.push(await startHost(String.fromCharCode(97 + i)));
  } catch (err) {
    await fleet.close();
    throw err;
  }
  return fleet;
}

/** Every process the host started, for the orphan check after a kill -9. */
export function hostProcesses(host: Host): ProcId[] {
  return host.child.pid ? descendants(host.child.pid) : [];
}
