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

const file = process.argv[2];
if (!file) throw new Error("usage: npx tsx bench/render.ts bench/results/<file>.json");
const raw = JSON.parse(await readFile(file, "utf8")) as BenchResult;
const extra = process.argv.slice(3);
const result = { ...raw, notes: [...notes(raw.profile === "quick"), ...extra], analysis: [...ANALYSIS] };
const full: BenchResult = { ...result, targets: evaluateTargets(result) };
await writeFile(path.join(ROOT, "docs", "benchmarks.md"), markdown(full));
console.log(`wrote docs/benchmarks.md from ${file}`);
