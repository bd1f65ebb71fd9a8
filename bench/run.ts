/**
 * `npm run bench` — memory per bot, reply overhead, activation, restart and loop bound of the
 * real supervisor, in project (the default) and isolated OpenCode mode (issues 9 and 18).
 *
 *   npm run bench                            full profile: project N up to 500, isolated up to 10
 *   npm run bench -- --n1000                 also N = 1,000 in project mode (start, memory, replies at scale)
 *   npm run bench -- --quick                 smaller N and counts (under 4 min)
 *   npm run bench -- --modes=project,shared  any of project, isolated, shared
 *   npm run bench -- --max=200               project N only up to 200 (a loaded machine)
 *   npm run bench -- --ns=0,100,1000,20      exactly these project N (the last one runs restart, replies, loop, activation)
 *   npm run bench -- --isolated-ns=0,1,5     exactly these isolated N
 *   npm run bench -- --only=restart --ns=20  only the restart figure (project mode, --runs=3 restarts); writes no file
 *   npm run bench -- --only=takeover         only the several-hosts figures (bench/takeover.ts; --lease-ttl=ms, --runs=5)
 *
 * Writes bench/results/<date>[-quick].json and docs/benchmarks.md.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { opencodeFloor } from "./lib/floor.js";
import { machine } from "./lib/machine.js";
import { ANALYSIS } from "./lib/analysis.js";
import { notes } from "./lib/notes.js";
import { evaluateTargets, markdown, type BenchResult, type ModeResult } from "./lib/report.js";
import { activation, load1, loopBound, makeRunDirs, marginal, memory, newDir, replyOverhead, restart, type Mode, type ReplyFigures } from "./lib/scenarios.js";
import { opencodeProcessesUnder } from "../test/helpers/proc.js";
import { progress, round } from "./lib/stats.js";
import { ROOT, SupervisorProcess } from "./lib/supervisor.js";
import { World } from "./lib/world.js";
import { restartOnly } from "./lib/restart-only.js";

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    n1000: { type: "boolean", default: false },
    max: { type: "string", default: "" },
    ns: { type: "string", default: "" },
    "isolated-ns": { type: "string", default: "" },
    modes: { type: "string", default: "project,isolated" },
    only: { type: "string", default: "" },
    "lease-ttl": { type: "string", default: "30000" },
    runs: { type: "string", default: "" },
  },
});
if (args.only === "takeover") {
  const { runTakeoverBench } = await import("./takeover.js");
  const t0 = Date.now();
  await runTakeoverBench({ ttlMs: Number(args["lease-ttl"]), runs: Number(args.runs || 5) }, (s) => progress(t0, s));
  process.exit(0);
}
const quick = args.quick;
const modes = (args.modes.split(",") as Mode[]).filter((m) => m === "project" || m === "shared" || m === "isolated");
const maxProject = args.max ? Number(args.max) : args.n1000 ? 1000 : 500;
const large = [50, 100, 200, 500, 1000].filter((n) => n <= maxProject);
const profile = quick
  ? // The loop bound needs 4 bots: the last N of each mode is at least 4.
    { ns: { project: [0, 5, 10], shared: [0, 1, 5], isolated: [0, 4] }, replies: 20, atScaleReplies: 0, activations: 2, settleMs: 1000 }
  : // Large N run before 20 so the scenarios after the memory figures run with 20 bots.
    {
      ns: { project: [0, 1, 5, 10, ...large, 20], shared: [0, 1, 5, 10, 50, 20], isolated: [0, 1, 5, 10] },
      replies: 200,
      atScaleReplies: 50,
      activations: 5,
      settleMs: 3000,
    };
const list = (text: string) => text.split(",").map(Number);
if (args.ns) profile.ns.project = list(args.ns);
if (args["isolated-ns"]) profile.ns.isolated = list(args["isolated-ns"]);
const began = Date.now();
const log = (s: string) => progress(began, s);

async function runMode(world: World, dirs: { root: string }, mode: Mode): Promise<ModeResult> {
  const ns = profile.ns[mode];
  const restartN = ns.at(-1)!;
  log(`${mode}: memory with N = ${[...ns].sort((a, b) => a - b).join(", ")} (fresh supervisor per N)`);
  let atScale: ReplyFigures | undefined;
  const mem = await memory(
    world,
    dirs,
    mode,
    ns,
    profile.settleMs,
    log,
    async (sup, n) => {
      if (!profile.atScaleReplies) return;
      log(`${mode}: reply overhead with all ${n} bots connected, ${profile.atScaleReplies} messages over 5 bots`);
      atScale = await replyOverhead(world, sup, world.bots.slice(0, 5), profile.atScaleReplies, log, n);
      log(`${mode}: at N=${n}: reply p50 ${atScale.total.p50} / p95 ${atScale.total.p95} ms; load ${load1()}`);
      await writePartial(`${mode}-atScale`, withoutPrompts(atScale));
    },
    (points) => void writePartial(mode, points),
  );
  const bots = world.bots.slice(0, restartN);
  log(`${mode}: restart with ${restartN} bots (SIGTERM → new supervisor → all answering)`);
  const restarted = await restart(world, mem.last, bots);
  const sup = restarted.sup;
  log(
    `${mode}: restart: exited ${restarted.figures.exitMs} ms, all online ${restarted.figures.allOnlineMs} ms, all answering ${restarted.figures.allAnsweringMs} ms`,
  );
  try {
    log(`${mode}: reply overhead, ${profile.replies} messages over 5 bots`);
    const reply = await replyOverhead(world, sup, bots.slice(0, 5), profile.replies, log, bots.length);
    log(`${mode}: reply p50 ${reply.total.p50} / p95 ${reply.total.p95} / p99 ${reply.total.p99} ms (bridge p50 ${reply.breakdown.opencodeMs.p50} ms)`);
    log(`${mode}: loop bound`);
    const loop = await loopBound(world, sup, bots);
    log(`${mode}: loop: ${loop.messagesUntilHalt} messages until halted, ${loop.messagesAfterStop} after "stop"`);
    log(`${mode}: activation through a token DM, ${profile.activations} runs`);
    const act = await activation(world, sup, profile.activations, log);
    await sup.stop();
    log(`${mode}: OpenCode's own prompt time (SDK straight to opencode serve, same prompts)`);
    const floor = await opencodeFloor(world, await newDir(dirs, `floor-${mode}-`), mode, bots.slice(0, 5), reply.prompts);
    log(`${mode}: OpenCode's own p50 ${floor.prompt.p50} / p95 ${floor.prompt.p95} ms`);
    const { prompts: _prompts, ...replyFigures } = reply;
    const scale = atScale && {
      ...withoutPrompts(atScale),
      ratio: { p50: round(atScale.total.p50 / floor.prompt.p50, 2), p95: round(atScale.total.p95 / floor.prompt.p95, 2) },
    };
    return {
      mode,
      memory: {
        points: [...mem.points].sort((a, b) => a.n - b.n),
        marginalIdleMb: marginal(mem.points, "idleMb"),
        marginalAfterPromptMb: marginal(mem.points, "afterPromptMb"),
      },
      restart: restarted.figures,
      reply: replyFigures,
      floor,
      ratio: {
        p50: round(reply.total.p50 / floor.prompt.p50, 2),
        p95: round(reply.total.p95 / floor.prompt.p95, 2),
        p99: round(reply.total.p99 / floor.prompt.p99, 2),
      },
      loop,
      activation: act,
      ...(scale ? { atScale: scale } : {}),
    };
  } finally {
    if (SupervisorProcess.live.has(sup)) await sup.stop().catch(() => undefined);
  }
}

const partialFile = path.join(ROOT, "bench", "results", `${new Date().toISOString().slice(0, 19).replace(/:/g, "-")}-partial.json`);
const partial: Record<string, unknown> = {};
/** Memory points so far, per mode: an interrupted run keeps them (`npx tsx bench/render.ts <full> --merge=<partial>`). */
async function writePartial(key: string, value: unknown): Promise<void> {
  partial[key] = value;
  await mkdir(path.dirname(partialFile), { recursive: true });
  await writeFile(partialFile, JSON.stringify(partial, null, 2) + "\n");
}

function withoutPrompts(r: ReplyFigures): Omit<ReplyFigures, "prompts"> {
  const { prompts: _prompts, ...rest } = r;
  return rest;
}

async function main(): Promise<void> {
  if (args.only === "restart") {
    const n = args.ns ? list(args.ns).at(-1)! : 20;
    const world = await World.create(n);
    try {
      await restartOnly(world, n, Number(args.runs || 3), log);
    } finally {
      await world.close();
    }
    return;
  }
  log(`profile ${quick ? "QUICK (smaller N and counts; use the full run for the published figures)" : "full"}; modes ${modes.join(", ")}`);
  const info = machine();
  log(`${info.cpu}, ${info.cores} cores, ${info.memoryGb} GB, Node ${info.node}, OpenCode ${info.opencode}`);
  const dirs = await makeRunDirs();
  const maxN = Math.max(...modes.flatMap((m) => profile.ns[m]));
  const world = await World.create(maxN);
  const stopAll = () => void Promise.all([...SupervisorProcess.live].map((s) => s.stop().catch(() => undefined))).finally(() => process.exit(130));
  process.once("SIGINT", stopAll);
  process.once("SIGTERM", stopAll);
  const result: Omit<BenchResult, "targets"> = {
    date: new Date().toISOString(),
    profile: quick ? "quick" : "full",
    command: quick ? "npm run bench -- --quick" : "npm run bench",
    durationS: 0,
    machine: info,
    notes: notes(quick),
    analysis: [...ANALYSIS],
    modes: {},
  };
  try {
    for (const mode of modes) result.modes[mode] = await runMode(world, dirs, mode);
  } finally {
    await world.close();
    const left = opencodeProcessesUnder(dirs.root);
    if (left.length) {
      for (const pid of left) process.kill(pid, "SIGKILL");
      console.error(`bench: killed ${left.length} OpenCode processes left behind: ${left.join(", ")}`);
    }
    await dirs.cleanup();
  }
  result.durationS = Math.round((Date.now() - began) / 1000);
  const full: BenchResult = { ...result, targets: evaluateTargets(result) };
  const stamp = full.date.slice(0, 19).replace(/:/g, "-");
  const jsonFile = path.join(ROOT, "bench", "results", `${stamp}${quick ? "-quick" : ""}.json`);
  await mkdir(path.dirname(jsonFile), { recursive: true });
  await writeFile(jsonFile, JSON.stringify(full, null, 2) + "\n");
  const page = markdown(full);
  await writeFile(path.join(ROOT, "docs", "benchmarks.md"), page);
  console.log("\n" + page);
  log(`wrote ${path.relative(ROOT, jsonFile)} and docs/benchmarks.md; no OpenCode process left behind`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
