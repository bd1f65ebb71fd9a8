import { readFile } from "node:fs/promises";
import { loadavg } from "node:os";
import path from "node:path";
import getPort from "get-port";
import { TemplateAgentFiles } from "../../src/agents/index.js";
import { envSchema } from "../../src/config/index.js";
import { createLogger } from "../../src/log/index.js";
import { BUILTIN_TOOLS } from "../../src/opencode/agent-config.js";
import { createOpencodeRuntime } from "../../src/opencode/index.js";
import { ROOT } from "./supervisor.js";
import { percentiles, round, type Percentiles } from "./stats.js";
import type { Mode } from "./scenarios.js";
import type { BenchBot, World } from "./world.js";

export interface FloorFigures {
  prompts: number;
  /** `session.prompt` through the SDK, straight to OpenCode. */
  prompt: Percentiles;
  serverStartMs: number;
  load1: number;
}

const NO_BUILTINS = Object.fromEntries(BUILTIN_TOOLS.map((t) => [t, false]));

/**
 * OpenCode's own prompt time: the same agents (same opencode.json, AGENTS.md and tools), the
 * same prompt texts in the same order, sent straight to `opencode serve` with the SDK
 * (`session.prompt`), one at a time. The first prompt per session is a warm-up, as in the
 * reply-overhead run. Runs with no supervisor alive, so nothing else competes for the CPU.
 */
export async function opencodeFloor(world: World, dir: string, mode: Mode, bots: BenchBot[], prompts: Record<string, string[]>): Promise<FloorFigures> {
  const logger = createLogger({ level: "silent" }).logger;
  const agentsDir = path.join(dir, "agents");
  const files = new TemplateAgentFiles(agentsDir, logger, path.join(ROOT, "agents"));
  const defaults = envSchema.parse({});
  const runtime = createOpencodeRuntime({
    promptTimeoutMs: defaults.BOBB_PROMPT_TIMEOUT,
    queueLimit: defaults.BOBB_QUEUE_LIMIT,
    mode,
    dataDir: path.join(dir, "data"),
    agentsDir,
    basePort: await getPort(),
    healthTimeoutMs: 120_000,
    model: { kind: "openai-compatible", baseUrl: world.model.url, model: "demo/demo" },
    // Plain-text answers call no tool; the tool API is never reached.
    apiUrl: "http://127.0.0.1:9",
    logger,
    ...(mode === "project" ? { projectKey: "floor-project-key-0123456789" } : {}),
  });
  try {
    const began = performance.now();
    for (const bot of bots) {
      const now = new Date().toISOString();
      await files.write({ id: bot.agentId, name: bot.name, persona: bot.persona, port: 0, status: "active", created_at: now });
      await runtime.ensureAgent(
        { id: bot.agentId, name: bot.name, persona: bot.persona, port: await getPort(), role: "child" },
        `floor-key-${bot.index}-0123456789`,
      );
    }
    const serverStartMs = round(performance.now() - began, 0);
    const sessions = [];
    for (const bot of bots) {
      const directory = mode === "shared" ? path.resolve(agentsDir, bot.agentId) : mode === "project" ? path.resolve(agentsDir, "_bots") : undefined;
      const client = runtime.diagnostics.serverOf(bot.agentId)!.client(directory);
      const created = await client.session.create({ body: { title: `floor ${bot.agentId}` } });
      if (!created.data) throw new Error(`floor: could not create a session for ${bot.agentId}`);
      // Project mode: the persona goes with each prompt as the system prompt, as the bridge sends it.
      const system =
        mode === "project" ? `<!-- bobb-agent: ${bot.agentId} -->\n${await readFile(path.join(agentsDir, bot.agentId, "AGENTS.md"), "utf8")}` : undefined;
      sessions.push({ client, id: created.data.id, texts: prompts[bot.name] ?? [], system });
    }
    const times: number[] = [];
    const rounds = Math.max(...sessions.map((s) => s.texts.length));
    for (let i = 0; i < rounds; i++) {
      for (const s of sessions) {
        const text = s.texts[i];
        if (text === undefined) continue;
        const t0 = performance.now();
        const body = { parts: [{ type: "text" as const, text }], tools: NO_BUILTINS, ...(s.system ? { system: s.system } : {}) };
        const res = await s.client.session.prompt({ path: { id: s.id }, body });
        const ms = performance.now() - t0;
        if (!res.data || res.data.info.error) throw new Error(`floor: prompt failed: ${JSON.stringify(res.error ?? res.data?.info.error)}`);
        if (i > 0) times.push(ms);
      }
    }
    return { prompts: times.length, prompt: percentiles(times), serverStartMs, load1: round(loadavg()[0]!, 1) };
  } finally {
    await runtime.close();
  }
}
