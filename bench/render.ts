/**
 * `npx tsx bench/render.ts bench/results/<file>.json` — writes docs/benchmarks.md again from a
 * results file, with the current targets, notes and analysis (bench/lib/analysis.ts).
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { ANALYSIS } from "./lib/analysis.js";
import { notes } from "./lib/notes.js";
import { evaluateTargets, markdown, type BenchResult } from "./lib/report.js";
import { ROOT } from "./lib/supervisor.js";
import { marginal, type MemoryPoint, type Mode } from "./lib/scenarios.js";

const file = process.argv[2];
if (!file) throw new Error("usage: npx tsx bench/render.ts bench/results/<file>.json [--merge=<partial.json>] [note …]");
const raw = JSON.parse(await readFile(file, "utf8")) as BenchResult;
const args = process.argv.slice(3);
const extra = args.filter((a) => !a.startsWith("--merge="));
// Memory points of a later (possibly interrupted) run with larger N: added to the same mode's points.
for (const arg of args.filter((a) => a.startsWith("--merge="))) {
  const more = JSON.parse(await readFile(arg.slice("--merge=".length), "utf8")) as Record<string, MemoryPoint[]>;
  for (const [mode, points] of Object.entries(more)) {
    const atScale = more[`${mode}-atScale`] as unknown as NonNullable<BenchResult["modes"]["project"]>["atScale"];
    const target = raw.modes[mode as Mode];
    if (target && atScale) {
      const floor = target.floor.prompt;
      target.atScale = {
        ...atScale,
        ratio: { p50: Math.round((atScale.total.p50 / floor.p50) * 100) / 100, p95: Math.round((atScale.total.p95 / floor.p95) * 100) / 100 },
      };
    }
    if (mode.endsWith("-atScale")) continue;
    if (!target) continue;
    const have = new Set(target.memory.points.map((p) => p.n));
    target.memory.points = [...target.memory.points, ...points.filter((p) => !have.has(p.n))].sort((a, b) => a.n - b.n);
    target.memory.marginalIdleMb = marginal(target.memory.points, "idleMb");
    target.memory.marginalAfterPromptMb = marginal(target.memory.points, "afterPromptMb");
  }
}
const result = { ...raw, notes: [...notes(raw.profile === "quick"), ...extra], analysis: [...ANALYSIS] };
const full: BenchResult = { ...result, targets: evaluateTargets(result) };
await writeFile(path.join(ROOT, "docs", "benchmarks.md"), markdown(full));
console.log(`wrote docs/benchmarks.md from ${file}`);
