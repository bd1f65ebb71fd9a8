import { mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import Fastify from "fastify";
import pino from "pino";
import { envSchema } from "../../src/config/index.js";

/** The runtime's limits as the configuration defaults them (OPENCODE_HEALTH_TIMEOUT, BOBB_PROMPT_TIMEOUT, BOBB_QUEUE_LIMIT). */
export const RUNTIME_LIMITS = (() => {
  const env = envSchema.parse({});
  return { healthTimeoutMs: env.OPENCODE_HEALTH_TIMEOUT, promptTimeoutMs: env.BOBB_PROMPT_TIMEOUT, queueLimit: env.BOBB_QUEUE_LIMIT };
})();

/** A temp tree: root/agents/{id}/AGENTS.md, root/data, root/registry.json (with a canary). */
export interface AgentTree {
  root: string;
  agentsDir: string;
  dataDir: string;
  canary: string;
  cleanup(): Promise<void>;
}

export const BOBB_AGENTS_MD = `# BoBB, the Bot Builder Bot

You are **BoBB**, a friendly Discord bot that creates other Discord bots.

## Who you are

The Bot Builder Bot. You help people create Discord bots.
`;

/** An AGENTS.md in the template's shape. */
export function childAgentsMd(name: string, persona: string): string {
  return `# ${name}\n\nYou are **${name}**, a Discord bot created with BoBB.\n\n## Who you are\n\n${persona}\n\n## Rules\n\n- Never tag yourself.\n`;
}

/** Creates the temp tree with the given AGENTS.md files. */
export async function makeAgentTree(agents: Record<string, string>): Promise<AgentTree> {
  const root = realpathSync(mkdtempSync(path.join(tmpdir(), "bobb-oc-")));
  const agentsDir = path.join(root, "agents");
  const dataDir = path.join(root, "data");
  const canary = `CANARY-${Math.random().toString(36).slice(2)}`;
  for (const [id, md] of Object.entries(agents)) {
    await mkdir(path.join(agentsDir, id), { recursive: true });
    await writeFile(path.join(agentsDir, id, "AGENTS.md"), md);
  }
  await mkdir(dataDir, { recursive: true });
  await writeFile(path.join(root, "registry.json"), JSON.stringify({ agents: { x: { token: canary } } }), { mode: 0o600 });
  return { root, agentsDir, dataDir, canary, cleanup: () => rm(root, { recursive: true, force: true }) };
}

export interface StubCall {
  method: string;
  url: string;
  agentId: string;
  role: "bobb" | "child";
  body: unknown;
  key: string;
}

/** A stand-in for the tool API (same routes, bearer keys, scopes and error shape), recording every call. */
export interface StubApi {
  url: string;
  calls: StubCall[];
  issue(agentId: string, role: "bobb" | "child"): string;
  close(): Promise<void>;
}

/** Starts the stub tool API on a free loopback port. */
export async function startStubApi(): Promise<StubApi> {
  const keys = new Map<string, { agentId: string; role: "bobb" | "child" }>();
  const calls: StubCall[] = [];
  const agents: Record<string, { id: string; name: string; persona: string; status: string }> = {};
  const app = Fastify();
  const fail = (status: number, code: string, message: string) => ({ status, body: { error: { code, message } } });
  app.addHook("onRequest", async (req, reply) => {
    const key = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    const who = key ? keys.get(key) : undefined;
    if (!key || !who) {
      const f = fail(401, "UNAUTHORIZED", "a valid bearer key is required");
      return reply.code(f.status).send(f.body);
    }
    (req as unknown as { who: typeof who & { key: string } }).who = { ...who, key };
    if (req.url.startsWith("/api/registry") && who.role === "child") {
      const f = fail(403, "FORBIDDEN", "this agent's key may not use the registry");
      calls.push({ method: req.method, url: req.url, agentId: who.agentId, role: who.role, body: undefined, key });
      return reply.code(f.status).send(f.body);
    }
  });
  app.addHook("preHandler", async (req) => {
    const who = (req as unknown as { who: { agentId: string; role: "bobb" | "child"; key: string } }).who;
    calls.push({ method: req.method, url: req.url, agentId: who.agentId, role: who.role, body: req.body, key: who.key });
  });
  app.post("/api/discord/send", async () => ({ message_ids: [String(Date.now())] }));
  app.get("/api/discord/members", async () => ({ members: [{ id: "1", name: "Chef Bot", bot: true }] }));
  app.get("/api/registry/agents", async () => ({ agents: Object.values(agents) }));
  app.get("/api/registry/agents/pending", async () => ({ agents: Object.values(agents).filter((a) => a.status === "pending_token") }));
  app.post("/api/registry/agents", async (req, reply) => {
    const body = req.body as { name?: string; persona?: string };
    if (!body?.name || !body.persona) return reply.code(400).send({ error: { code: "VALIDATION_ERROR", message: "name and persona are required" } });
    const id = body.name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "");
    agents[id] = { id, name: body.name, persona: body.persona, status: "pending_token" };
    return reply.code(201).send({ agent: agents[id] });
  });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address() as { port: number };
  let n = 0;
  return {
    url: `http://127.0.0.1:${address.port}`,
    calls,
    issue(agentId, role) {
      const key = `bobb_test_${agentId}_${++n}_${Math.random().toString(36).slice(2)}`;
      keys.set(key, { agentId, role });
      return key;
    },
    close: () => app.close(),
  };
}

/** Pids of live opencode processes whose working directory is inside `root` (checked in the process table). */
export function opencodeProcessesUnder(root: string): number[] {
  return processesUnder(root, (cmd) => cmd.includes("opencode"));
}

/** Pids of live processes whose command line matches and whose working directory is inside `root`. */
export function processesUnder(root: string, match: (cmdline: string) => boolean): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, "utf8");
      if (!match(cmd)) continue;
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      if (stat.slice(stat.lastIndexOf(")") + 2)[0] === "Z") continue;
      const cwd = readlinkSync(`/proc/${entry}/cwd`);
      if (cwd.startsWith(root)) found.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

/** Waits until the condition holds, polling; fails with the message after the timeout. */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, message: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${message}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A silent logger for tests (LOG_LEVEL=debug shows server output). */
export function testLogger(): pino.Logger {
  return pino({ level: process.env.LOG_LEVEL ?? "silent" });
}
