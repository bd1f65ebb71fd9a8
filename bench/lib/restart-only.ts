/**
 * `npm run bench -- --only=restart [--ns=20] [--runs=3]`: only the restart figure, in project mode.
 * One supervisor with N bots, one prompt each (so every bot has a session, as in the full run),
 * then `runs` restarts; prints each run's figures, the median, and a timeline of the new
 * supervisor's log lines (ms after SIGTERM). Writes no file (docs/benchmarks.md comes from full runs).
 */
import { createInterface } from "node:readline";
import { load1, makeRunDirs, newDir, promptAll, restart, startWith, type RestartFigures } from "./scenarios.js";
import { median } from "./stats.js";
import type { SupervisorProcess } from "./supervisor.js";
import type { World } from "./world.js";

/** Log messages worth a line in the timeline (first occurrence, and the last for per-bot ones). */
const MILESTONES = [/opencode server ready/, /tool API listening/, /bot online as/, /read missed messages/, /agent active/, /replied/, /shutting down/];

export async function restartOnly(world: World, n: number, runs: number, log: (s: string) => void): Promise<RestartFigures[]> {
  const dirs = await makeRunDirs();
  const bots = world.bots.slice(0, n);
  let { sup } = await startWith(world, "project", bots, await newDir(dirs, `restart-${n}-`));
  try {
    const answered = await sup.alive(promptAll(world, [world.bobb.userId, ...bots.map((b) => b.userId)]));
    log(`project N=${n}: ${answered}/${n + 1} answered one prompt each; restarting ${runs} times`);
    const all: RestartFigures[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = Date.now();
      const timeline: string[] = [];
      const seen = new Map<string, number>();
      const watch = (next: SupervisorProcess) =>
        createInterface({ input: next.child.stdout! }).on("line", (line) => {
          let entry: { time?: number; msg?: string; startMs?: number; ms?: number };
          try {
            entry = JSON.parse(line) as typeof entry;
          } catch {
            return;
          }
          const msg = entry.msg ?? "";
          const key = MILESTONES.find((m) => m.test(msg))?.source;
          if (!key || entry.time === undefined) return;
          const count = (seen.get(key) ?? 0) + 1;
          seen.set(key, count);
          const took = entry.startMs ?? entry.ms;
          if (count === 1 || count === n || count === n + 1)
            timeline.push(`  +${entry.time - t0} ms  [${count}] ${msg.slice(0, 80)}${took === undefined ? "" : ` (took ${took} ms)`}`);
        });
      const r = await restart(world, sup, bots, watch);
      sup = r.sup;
      all.push(r.figures);
      const f = r.figures;
      log(
        `restart ${i + 1}/${runs}: exited ${f.exitMs} ms, BoBB online ${f.bobbOnlineMs} ms, all online ${f.allOnlineMs} ms, all answering ${f.allAnsweringMs} ms; load ${f.load1}`,
      );
      for (const line of timeline) log(line);
    }
    const pick = (k: keyof RestartFigures) => median(all.map((f) => f[k]));
    log(
      `median of ${runs}: exited ${pick("exitMs")} ms, all online ${pick("allOnlineMs")} ms, all answering ${pick("allAnsweringMs")} ms; load now ${load1()}`,
    );
    return all;
  } finally {
    await sup.stop().catch(() => undefined);
    await dirs.cleanup();
  }
}
