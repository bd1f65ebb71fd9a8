import type { FloorFigures } from "./floor.js";
import type { Machine } from "./machine.js";
import type { ActivationFigures, LoopFigures, MemoryPoint, Mode, ReplyFigures, RestartFigures } from "./scenarios.js";

export interface ModeResult {
  mode: Mode;
  memory: { points: MemoryPoint[]; marginalIdleMb: number; marginalAfterPromptMb: number };
  restart: RestartFigures;
  reply: Omit<ReplyFigures, "prompts">;
  floor: FloorFigures;
  ratio: { p50: number; p95: number; p99: number };
  loop: LoopFigures;
  activation: ActivationFigures;
  /** Reply overhead with the largest N connected (full profile), against the same floor. */
  atScale?: Omit<ReplyFigures, "prompts"> & { ratio: { p50: number; p95: number } };
}

export interface Target {
  what: string;
  target: string;
  measured: string;
  met: boolean | null;
}

export interface BenchResult {
  date: string;
  profile: "full" | "quick";
  command: string;
  durationS: number;
  machine: Machine;
  notes: string[];
  /** Markdown lines after the figures: where the time and memory go, the design chosen (bench/lib/analysis.ts). */
  analysis?: string[];
  modes: Partial<Record<Mode, ModeResult>>;
  targets: Target[];
}

/** MB → how many more active bots one GB holds at that marginal cost. */
export const botsPerGb = (marginalMb: number) => (marginalMb > 0 ? Math.floor(1024 / marginalMb) : Number.NaN);

/** The targets (issue 18) against the figures of the default mode (project), with the load each was taken under. */
export function evaluateTargets(result: Omit<BenchResult, "targets">): Target[] {
  const out: Target[] = [];
  const d = result.modes.project;
  if (!d) return out;
  const m = d.memory.marginalAfterPromptMb;
  const points = d.memory.points;
  const lastLoad = (load: number) => ` (load ${load})`;
  out.push({
    what: "project: marginal memory per extra active bot, after one prompt each",
    target: "≤ 5 MB",
    measured: `${m} MB = ${botsPerGb(m)} bots per GB${lastLoad(points.at(-1)!.load1)}`,
    met: m <= 5,
  });
  const top = [...points].sort((a, b) => b.n - a.n)[0]!;
  out.push({
    what: "project: active bots on this machine, each answering a mention",
    target: "1,000, total memory reported",
    measured: `${top.n} measured: ${top.afterPromptMb} MB in all after one prompt each (all answered in ${top.promptAllMs} ms)${lastLoad(top.load1)}`,
    met: top.n >= 1000 ? true : null,
  });
  out.push({
    what: `project: start with ${top.n} bots → all online`,
    target: "≤ 30000 ms (1,000 bots)",
    measured: `${top.readyMs} ms${lastLoad(top.load1)}`,
    met: top.n >= 1000 ? top.readyMs <= 30_000 : null,
  });
  const r = d.restart;
  out.push({
    what: `project: restart of ${r.bots} bots (SIGTERM → new supervisor → all answering)`,
    target: "≤ 5000 ms (20 bots)",
    measured: `${r.allAnsweringMs} ms${lastLoad(r.load1)}`,
    met: r.bots === 20 ? r.allAnsweringMs <= 5_000 : null,
  });
  const scale = d.atScale;
  out.push({
    what: `project: reply overhead vs OpenCode's own, p50 / p95, with ${scale ? scale.connected : d.reply.connected} bots connected`,
    target: "≤ 1.2× / ≤ 1.3× (1,000 bots)",
    measured: scale
      ? `${scale.ratio.p50}× / ${scale.ratio.p95}× (${scale.total.p50} / ${scale.total.p95} vs ${d.floor.prompt.p50} / ${d.floor.prompt.p95} ms)${lastLoad(scale.load1)}`
      : `${d.ratio.p50}× / ${d.ratio.p95}× (${d.reply.total.p50} / ${d.reply.total.p95} vs ${d.floor.prompt.p50} / ${d.floor.prompt.p95} ms)${lastLoad(d.reply.load1)}`,
    met: scale && scale.connected >= 1000 ? scale.ratio.p50 <= 1.2 && scale.ratio.p95 <= 1.3 : null,
  });
  out.push({
    what: `project: reply overhead p50 / p95 with ${d.reply.connected} bots connected`,
    target: "≤ 1.2× / ≤ 1.3×",
    measured: `${d.ratio.p50}× / ${d.ratio.p95}× (${d.reply.total.p50} / ${d.reply.total.p95} vs ${d.floor.prompt.p50} / ${d.floor.prompt.p95} ms)${lastLoad(d.reply.load1)}`,
    met: d.ratio.p50 <= 1.2 && d.ratio.p95 <= 1.3,
  });
  out.push({
    what: "project: activation p50 (token DM → online)",
    target: "≤ 300 ms",
    measured: `${d.activation.p50} ms${lastLoad(d.activation.load1)}`,
    met: d.activation.p50 <= 300,
  });
  return out;
}

const cell = (v: number | string | undefined) => (v === undefined || (typeof v === "number" && Number.isNaN(v)) ? "–" : String(v));

/** The Markdown page (docs/benchmarks.md). */
export function markdown(r: BenchResult): string {
  const modes = (["project", "shared", "isolated"] as const).filter((m) => r.modes[m]);
  const get = (m: Mode) => r.modes[m]!;
  const lines: string[] = [];
  lines.push("# Benchmarks", "");
  lines.push(
    `Measured by \`${r.command}\` on ${r.date.slice(0, 10)} (${r.profile} profile, ${Math.round(r.durationS / 60)} min). Raw figures: \`bench/results/\`. ` +
      "The real supervisor (`node --import tsx src/main.ts`) runs as its own process against the sandbox Discord, with the real `opencode` binary and the scripted model answering instantly, so every figure is BoBB's and OpenCode's own time and memory, never a model's. Timings on a shared 2-core machine are noisy: compare ratios within one run.",
    "",
  );
  const m = r.machine;
  lines.push("| machine | cores | memory | OS | Node | OpenCode | discord.js |", "|---|---|---|---|---|---|---|");
  lines.push(`| ${m.cpu} | ${m.cores} | ${m.memoryGb} GB | ${m.os} | ${m.node} | ${m.opencode} | ${m.discordJs} |`, "");
  lines.push("## Targets", "", "| target | goal | measured | met |", "|---|---|---|---|");
  for (const t of r.targets) lines.push(`| ${t.what} | ${t.target} | ${t.measured} | ${t.met === null ? "–" : t.met ? "yes" : "**no**"} |`);
  lines.push("");

  lines.push(
    "## Memory",
    "",
    'Total RSS of the supervisor plus every OpenCode process it started (read from /proc, children included), in MB, with N active child bots besides BoBB. A fresh supervisor per N; "after prompt" is after BoBB and every child answered one mention.',
    "",
  );
  for (const mo of modes) {
    const mem = get(mo).memory;
    lines.push(
      `### ${mo}`,
      "",
      "| N | idle | after prompt | supervisor idle | supervisor after prompt | processes | start → all online (ms) | one prompt to all → all answered (ms) | load |",
      "|---|---|---|---|---|---|---|---|---|",
    );
    for (const p of mem.points) {
      lines.push(
        `| ${p.n} | ${p.idleMb} | ${p.afterPromptMb} | ${cell(p.supervisorIdleMb)} | ${cell(p.supervisorAfterPromptMb)} | ${p.processes} | ${p.readyMs} | ${cell(p.promptAllMs)} | ${cell(p.load1)} |`,
      );
    }
    lines.push(
      `| **per extra bot** (least-squares slope) | **${mem.marginalIdleMb}** | **${mem.marginalAfterPromptMb}** | | | | | | |`,
      `| **bots per GB** (after one prompt each) | | **${botsPerGb(mem.marginalAfterPromptMb)}** | | | | | | |`,
      "",
    );
  }

  lines.push(
    "## Reply overhead",
    "",
    "A human's mention posted to the sandbox → the bot's reply stored in the sandbox, one message at a time, round-robin over 5 bots, all N = 20 child bots connected. OpenCode's own: the same prompt texts in the same order sent straight to `opencode serve` with the SDK (`session.prompt`), same agent config. The first message per bot (new session) is a warm-up in both and not counted. Breakdown from the supervisor's per-reply log line: gateway (sandbox post → discord.js event), routing (incl. token intake check), context (history + prompt text), OpenCode (the bridge: session, prompt, tools used), Discord post (REST create).",
    "",
  );
  lines.push(
    "| mode | bots connected | messages | p50 | p95 | p99 | OpenCode's own p50 | p95 | p99 | ratio p50 | ratio p95 | load | load (OpenCode's own) |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
  );
  for (const mo of modes) {
    const x = get(mo);
    const f = x.floor.prompt;
    for (const [reply, ratio] of [[x.reply, x.ratio], ...(x.atScale ? [[x.atScale, x.atScale.ratio] as const] : [])] as const) {
      lines.push(
        `| ${mo} | ${cell(reply.connected)} | ${reply.messages} | ${reply.total.p50} | ${reply.total.p95} | ${reply.total.p99} | ${f.p50} | ${f.p95} | ${f.p99} | ${ratio.p50}× | ${ratio.p95}× | ${cell(reply.load1)} | ${cell(x.floor.load1)} |`,
      );
    }
  }
  lines.push("", "Breakdown (ms, p50 / p95):", "", "| mode | gateway | routing | context | OpenCode (bridge) | Discord post |", "|---|---|---|---|---|---|");
  for (const mo of modes) {
    const b = get(mo).reply.breakdown;
    const f = (p: { p50: number; p95: number }) => `${cell(p.p50)} / ${cell(p.p95)}`;
    lines.push(`| ${mo} | ${f(b.gatewayMs)} | ${f(b.routeMs)} | ${f(b.contextMs)} | ${f(b.opencodeMs)} | ${f(b.postMs)} |`);
  }
  lines.push("");

  lines.push(
    "## Activation",
    "",
    "Through the real intake path: an agent waits for its token, the human DMs the token to BoBB (validated with `GET /users/@me`, stored, signal file, reconciler, OpenCode config, Discord login).",
    "",
  );
  lines.push("| mode | runs | DM → BoBB's answer p50 | DM → bot online p50 | all runs (ms) | load |", "|---|---|---|---|---|---|");
  for (const mo of modes) {
    const a = get(mo).activation;
    lines.push(`| ${mo} | ${a.runs} | ${a.acceptedP50} | **${a.p50}** | ${a.onlineMs.join(", ")} | ${cell(a.load1)} |`);
  }
  lines.push("");

  lines.push(
    "## Restart",
    "",
    "SIGTERM to the supervisor → it exits with every OpenCode server → a new supervisor on the same files → every child bot has answered a mention.",
    "",
  );
  lines.push("| mode | bots | SIGTERM → exited | → BoBB online | → all online | → all answering | load |", "|---|---|---|---|---|---|---|");
  for (const mo of modes) {
    const x = get(mo).restart;
    lines.push(`| ${mo} | ${x.bots} | ${x.exitMs} | ${x.bobbOnlineMs} | ${x.allOnlineMs} | **${x.allAnsweringMs}** | ${cell(x.load1)} |`);
  }
  lines.push("");

  lines.push(
    "## Loop bound",
    "",
    'Two bots whose model always mentions the other (through `send_message` with `mention_bots`). Then a second pair in another channel, stopped by a human\'s "stop" after three exchange messages.',
    "",
  );
  lines.push(
    '| mode | bot-turn cap | messages until halted | first → halt (ms) | halt notice | messages after "stop" | "stop" → last bot message (ms) |',
    "|---|---|---|---|---|---|---|",
  );
  for (const mo of modes) {
    const l = get(mo).loop;
    lines.push(
      `| ${mo} | ${l.botTurnCap} | ${l.messagesUntilHalt} | ${l.haltAfterMs} | ${l.noticeSeen ? "yes" : "no"} | ${l.messagesAfterStop} | ${l.stopToLastMs} |`,
    );
  }
  lines.push("");
  if (r.analysis?.length) lines.push(...r.analysis, "");
  if (r.notes.length) lines.push("## Notes", "", ...r.notes.map((n) => `- ${n}`), "");
  return lines.join("\n");
}
