import { mkdtempSync, realpathSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import getPort from "get-port";
import pino from "pino";
import { envSchema } from "../../src/config/index.js";
import { createOpencodeRuntime, type OpencodeRuntime, type OpencodeRuntimeOptions } from "../../src/opencode/index.js";

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

/** A silent logger for tests (LOG_LEVEL=debug shows server output). */
export function testLogger(): pino.Logger {
  return pino({ level: process.env.LOG_LEVEL ?? "silent" });
}

/** A runtime on a temp tree, against the scripted model and a test tool API, on a free port (shared mode unless `options` says otherwise). */
export async function testRuntime(tree: AgentTree, modelUrl: string, apiUrl: string, options: Partial<OpencodeRuntimeOptions> = {}): Promise<OpencodeRuntime> {
  return createOpencodeRuntime({
    ...RUNTIME_LIMITS,
    mode: "shared",
    dataDir: tree.dataDir,
    agentsDir: tree.agentsDir,
    basePort: await getPort(),
    model: { kind: "demo", baseUrl: modelUrl },
    apiUrl,
    logger: testLogger(),
    ...options,
  });
}
