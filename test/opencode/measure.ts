/**
 * Measures what the benchmark issue will track, with the real opencode binary and the
 * instant scripted model: cold start, idle and post-prompt RSS (server plus children) in
 * isolated and shared mode, and the prompt overhead.
 *
 *   npx tsx test/opencode/measure.ts [agents=3] [prompts=20]
 */
import getPort from "get-port";
import { createScriptedModel } from "../../src/demo-model/index.js";
import { createOpencodeRuntime, type OpencodeRuntime, type RuntimeAgent } from "../../src/opencode/index.js";
import { childAgentsMd, makeAgentTree, opencodeProcessesUnder, startStubApi, testLogger } from "../helpers/opencode.js";

const count = Number(process.argv[2] ?? 3);
const prompts = Number(process.argv[3] ?? 20);
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
const settle = () => new Promise((r) => setTimeout(r, 3000));
const quantile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * q))]!;

const model = await createScriptedModel({ instant: true });
const api = await startStubApi();
const ids = Array.from({ length: count }, (_, i) => `bot${i}`);
const tree = await makeAgentTree(Object.fromEntries(ids.map((id) => [id, childAgentsMd(id, `Persona of ${id}.`)])));

async function measure(mode: "isolated" | "shared") {
  const agents: RuntimeAgent[] = [];
  for (const id of ids) agents.push({ id, name: id, persona: "", port: await getPort(), role: "child" });
  const runtime: OpencodeRuntime = createOpencodeRuntime({
    mode, dataDir: `${tree.dataDir}/${mode}`, agentsDir: tree.agentsDir, basePort: await getPort(),
    model: { kind: "demo", baseUrl: model.url }, apiUrl: api.url, logger: testLogger(),
  });
  const began = Date.now();
  await runtime.ensureAgent(agents[0]!, api.issue(agents[0]!.id, "child"));
  const firstReady = Date.now() - began;
  await settle();
  const oneIdle = runtime.stats().reduce((s, x) => s + x.rssBytes, 0);
  for (const a of agents.slice(1)) await runtime.ensureAgent(a, api.issue(a.id, "child"));
  const allReady = Date.now() - began;
  await settle();
  const idle = runtime.stats().reduce((s, x) => s + x.rssBytes, 0);
  for (const a of agents) await runtime.prompt(a.id, "warm", "hello");
  const durations: number[] = [];
  for (let i = 0; i < prompts; i++) durations.push((await runtime.prompt(agents[0]!.id, "bench", `message ${i}`)).durationMs);
  await settle();
  const after = runtime.stats().reduce((s, x) => s + x.rssBytes, 0);
  const starts = runtime.stats().map((s) => s.startMs ?? 0);
  await runtime.close();
  if (opencodeProcessesUnder(tree.root).length) throw new Error("opencode process left behind");
  return {
    mode,
    agents: count,
    servers: starts.length,
    "cold start ms (server healthy)": starts.join(", "),
    "first agent ready ms": firstReady,
    "all agents ready ms": allReady,
    "idle RSS MB, 1 agent": mb(oneIdle),
    [`idle RSS MB, ${count} agents`]: mb(idle),
    [`RSS MB after prompts, ${count} agents`]: mb(after),
    "marginal idle MB per extra agent": count > 1 ? mb((idle - oneIdle) / (count - 1)) : 0,
    "prompt ms p50 / p95 (instant model)": `${quantile(durations, 0.5)} / ${quantile(durations, 0.95)}`,
  };
}

try {
  for (const mode of ["isolated", "shared"] as const) console.log(await measure(mode));
} finally {
  await model.close();
  await api.close();
  await tree.cleanup();
}
