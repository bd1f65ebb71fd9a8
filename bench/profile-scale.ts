/**
 * Where the time goes with many bots connected: one supervisor with N child bots, then reply
 * messages one at a time (as the bench's reply overhead) and optionally one prompt to all.
 *
 *   npx tsx bench/profile-scale.ts --bots=200 --messages=50 [--prompt-all] [--prof=/tmp/prof]
 *
 * --prof writes a V8 CPU profile (.cpuprofile) of the supervisor (node --cpu-prof) into
 * that directory; run this script itself with `node --cpu-prof --import tsx` to profile the
 * sandbox (it runs in this process).
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { descendants } from "../test/helpers/proc.js";
import { load1, makeRunDirs, newDir, promptAll, replyOverhead, startWith } from "./lib/scenarios.js";
import { progress } from "./lib/stats.js";
import { SupervisorProcess } from "./lib/supervisor.js";
import { World } from "./lib/world.js";

const { values: args } = parseArgs({
  options: {
    bots: { type: "string", default: "200" },
    messages: { type: "string", default: "50" },
    "prompt-all": { type: "boolean", default: false },
    prof: { type: "string", default: "" },
  },
});
const began = Date.now();

/** CPU seconds (user + system) a process has used so far, from /proc (0 once it is gone). */
function cpuSeconds(pid: number): number {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return 0;
  }
}

/** CPU seconds of the supervisor, of its OpenCode processes and of this process (sandbox, model, bench). */
function cpu(supervisorPid: number): { supervisor: number; opencode: number; bench: number } {
  const opencode = descendants(supervisorPid).reduce((sum, p) => sum + cpuSeconds(p.pid), 0);
  return { supervisor: cpuSeconds(supervisorPid), opencode, bench: cpuSeconds(process.pid) };
}

function cpuSpent(from: ReturnType<typeof cpu>, to: ReturnType<typeof cpu>): string {
  const d = (k: keyof typeof from) => (to[k] - from[k]).toFixed(1);
  return `CPU s: supervisor ${d("supervisor")}, OpenCode ${d("opencode")}, sandbox+model+bench ${d("bench")}`;
}
const log = (s: string) => progress(began, s);

async function main(): Promise<void> {
  const n = Number(args.bots);
  if (args.prof) SupervisorProcess.nodeArgs = ["--cpu-prof", `--cpu-prof-dir=${args.prof}`];
  const dirs = await makeRunDirs();
  const world = await World.create(n);
  try {
    const { sup, readyMs } = await startWith(world, "project", world.bots, await newDir(dirs, "prof-"));
    log(`N=${n}: all online in ${readyMs} ms; load ${load1()}; ${cpuSpent({ supervisor: 0, opencode: 0, bench: 0 }, cpu(sup.pid))}`);
    try {
      if (args["prompt-all"]) {
        const asked = performance.now();
        const before = cpu(sup.pid);
        const answered = await promptAll(world, [world.bobb.userId, ...world.bots.map((b) => b.userId)]);
        log(
          `one prompt to all: ${answered}/${n + 1} answered in ${Math.round(performance.now() - asked)} ms; load ${load1()}; ${cpuSpent(before, cpu(sup.pid))}`,
        );
      }
      const beforeReplies = cpu(sup.pid);
      const r = await replyOverhead(world, sup, world.bots.slice(0, 5), Number(args.messages), log, n);
      const b = r.breakdown;
      log(`reply p50 ${r.total.p50} / p95 ${r.total.p95} ms; load ${load1()}; ${cpuSpent(beforeReplies, cpu(sup.pid))}`);
      log(
        `breakdown p50/p95: gateway ${b.gatewayMs.p50}/${b.gatewayMs.p95}, routing ${b.routeMs.p50}/${b.routeMs.p95}, context ${b.contextMs.p50}/${b.contextMs.p95}, opencode ${b.opencodeMs.p50}/${b.opencodeMs.p95}, post ${b.postMs.p50}/${b.postMs.p95}`,
      );
    } finally {
      await sup.stop(); // SIGTERM: the supervisor exits normally and writes its profile
    }
  } finally {
    await world.close();
    await dirs.cleanup();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
