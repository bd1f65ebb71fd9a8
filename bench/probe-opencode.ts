/**
 * `npx tsx bench/probe-opencode.ts [--bots=10]` — where OpenCode's memory and time go: one
 * server, the same N bots once as N directories (shared mode) and once as N sessions of one
 * project (project mode). Prints RSS after start, after each first prompt, and the first-prompt
 * time per directory versus per session, with the load average.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import getPort from "get-port";
import { TemplateAgentFiles } from "../src/agents/index.js";
import { createScriptedModel } from "../src/demo-model/index.js";
import { createLogger } from "../src/log/index.js";
import { createOpencodeRuntime } from "../src/opencode/index.js";
import { ROOT } from "./lib/supervisor.js";
import { mb, percentiles, round } from "./lib/stats.js";

const { values } = parseArgs({ options: { bots: { type: "string", default: "10" } } });
const n = Number(values.bots);
const load = () => round(loadavg()[0]!, 1);

async function probe(mode: "shared" | "project"): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), `bobb-probe-${mode}-`));
  const model = await createScriptedModel({ instant: true, demo: false, rules: [{ name: "probe", after: "any", reply: "ok" }] });
  const logger = createLogger({ level: "silent" }).logger;
  const agentsDir = path.join(dir, "agents");
  const files = new TemplateAgentFiles(agentsDir, logger, path.join(ROOT, "agents"));
  const runtime = createOpencodeRuntime({
    mode,
    projectKey: "probe-project-key-0123456789",
    promptTimeoutMs: 120_000,
    queueLimit: 8,
    dataDir: path.join(dir, "data"),
    agentsDir,
    basePort: await getPort(),
    healthTimeoutMs: 120_000,
    model: { kind: "openai-compatible", baseUrl: model.url, model: "demo/demo" },
    apiUrl: "http://127.0.0.1:9",
    logger,
  });
  try {
    const ids = Array.from({ length: n }, (_, i) => `probe-${i}`);
    const t0 = performance.now();
    for (const [i, id] of ids.entries()) {
      const now = new Date().toISOString();
      await files.write({ id, name: `Probe Bot ${i}`, persona: `Probe bot ${i}.`, port: 0, status: "active", created_at: now });
      await runtime.ensureAgent({ id, name: `Probe Bot ${i}`, persona: "", port: 0, role: "child" }, `probe-key-${i}-0123456789`);
    }
    const rss = () => mb(runtime.diagnostics.stats().reduce((sum, s) => sum + s.rssBytes, 0));
    const started = rss();
    console.log(`${mode}: ${n} bots registered in ${round(performance.now() - t0, 0)} ms; server RSS ${started} MB; load ${load()}`);
    const first: number[] = [];
    const second: number[] = [];
    for (const id of ids) {
      const a = performance.now();
      await runtime.prompt(id, "c1", "hello");
      first.push(performance.now() - a);
    }
    const afterFirst = rss();
    for (const id of ids) {
      const a = performance.now();
      await runtime.prompt(id, "c2", "hello again, new session");
      second.push(performance.now() - a);
    }
    const afterSecond = rss();
    const p = (xs: number[]) => percentiles(xs);
    console.log(
      `${mode}: first prompt per bot p50 ${p(first).p50} ms (first bot ${round(first[0]!, 0)} ms, rest mean ${round(first.slice(1).reduce((x, y) => x + y, 0) / Math.max(1, n - 1), 0)} ms); ` +
        `RSS after ${afterFirst} MB → ${round((afterFirst - started) / n, 1)} MB per bot's first prompt`,
    );
    console.log(
      `${mode}: a second session per bot: p50 ${p(second).p50} ms; RSS after ${afterSecond} MB → ${round((afterSecond - afterFirst) / n, 1)} MB per extra session; load ${load()}`,
    );
  } finally {
    await runtime.close();
    await model.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await probe("project");
await probe("shared");
