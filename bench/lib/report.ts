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
  modes: Partial<Record<Mode, ModeResult>>;
  targets: Target[];
}

/** The issue's targets against the figures. */
export function evaluateTargets(result: Omit<BenchResult, "targets">): Target[] {
  const out: Target[] = [];
  const shared = result.modes.shared;
  const isolated = result.modes.isolated;
  if (shared) {
    const m = shared.memory.marginalAfterPromptMb;
    out.push({ what: "shared: marginal memory per active child bot after one prompt", target: "≤ 60 MB", measured: `${m} MB`, met: m <= 60 });
    const fifty = shared.memory.points.find((p) => p.n === 50);
    out.push({
      what: "shared: 50 active child bots fit on this machine",
      target: `fits in ${result.machine.memoryGb} GB`,
      measured: fifty ? `${fifty.afterPromptMb} MB after one prompt each` : "not run (quick profile)",
      met: fifty ? fifty.afterPromptMb < result.machine.memoryGb * 1024 * 0.8 : null,
    });
  }
  for (const r of [shared, isolated]) {
    if (!r) continue;
    out.push({
      what: `${r.mode}: reply overhead p50 vs OpenCode's own`,
      target: "≤ 1.5×",
      measured: `${r.ratio.p50}× (${r.reply.total.p50} vs ${r.floor.prompt.p50} ms)`,
      met: r.ratio.p50 <= 1.5,
    });
    out.push({
      what: `${r.mode}: reply overhead p95 vs OpenCode's own`,
      target: "≤ 2×",
      measured: `${r.ratio.p95}× (${r.reply.total.p95} vs ${r.floor.prompt.p95} ms)`,
      met: r.ratio.p95 <= 2,
    });
  }
  if (shared)
    out.push({
      what: "shared: activation p50 (token DM → online)",
      target: "≤ 1500 ms",
      measured: `${shared.activation.p50} ms`,
      met: shared.activation.p50 <= 1500,
    });
  if (isolated)
    out.push({
      what: "isolated: activation p50 (token DM → online)",
      target: "≤ 6000 ms",
      measured: `${isolated.activation.p50} ms`,
      met: isolated.activation.p50 <= 6000,
    });
  if (shared) {
    const r = shared.restart;
    out.push({
      what: `shared: restart of ${r.bots} bots (SIGTERM → all answering)`,
      target: r.bots === 20 ? "≤ 10000 ms" : "≤ 10000 ms (for 20 bots)",
      measured: `${r.allAnsweringMs} ms`,
      met: r.bots === 20 ? r.allAnsweringMs <= 10_000 : null,
    });
  }
  return out;
}

const cell = (v: number | string | undefined) => (v === undefined || (typeof v === "number" && Number.isNaN(v)) ? "–" : String(v));

/** The Markdown page (docs/benchmarks.md). */
export function markdown(r: BenchResult): string {
  const modes = (["shared", "isolated"] as const).filter((m) => r.modes[m]);
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
  lines.push(`| N | ${modes.map((mo) => `${mo} idle | ${mo} after prompt | ${mo} processes | ${mo} start → all online (ms)`).join(" | ")} |`);
  lines.push(`|---|${modes.map(() => "---|---|---|---").join("|")}|`);
  const ns = [...new Set(modes.flatMap((mo) => get(mo).memory.points.map((p) => p.n)))].sort((a, b) => a - b);
  for (const n of ns) {
    const cells = modes.map((mo) => {
      const p = get(mo).memory.points.find((x) => x.n === n);
      return p ? `${p.idleMb} | ${p.afterPromptMb} | ${p.processes} | ${p.readyMs}` : "– | – | – | –";
    });
    lines.push(`| ${n} | ${cells.join(" | ")} |`);
  }
  lines.push(
    `| **per extra bot** (least-squares slope) | ${modes.map((mo) => `**${get(mo).memory.marginalIdleMb}** | **${get(mo).memory.marginalAfterPromptMb}** | | `).join(" | ")} |`,
    "",
  );

  lines.push(
    "## Reply overhead",
    "",
    "A human's mention posted to the sandbox → the bot's reply stored in the sandbox, one message at a time, round-robin over 5 bots, all N = 20 child bots connected. OpenCode's own: the same prompt texts in the same order sent straight to `opencode serve` with the SDK (`session.prompt`), same agent config. The first message per bot (new session) is a warm-up in both and not counted. Breakdown from the supervisor's per-reply log line: gateway (sandbox post → discord.js event), routing (incl. token intake check), context (history + prompt text), OpenCode (the bridge: session, prompt, tools used), Discord post (REST create).",
    "",
  );
  lines.push("| mode | messages | p50 | p95 | p99 | OpenCode's own p50 | p95 | p99 | ratio p50 | ratio p95 |", "|---|---|---|---|---|---|---|---|---|---|");
  for (const mo of modes) {
    const x = get(mo);
    lines.push(
      `| ${mo} | ${x.reply.messages} | ${x.reply.total.p50} | ${x.reply.total.p95} | ${x.reply.total.p99} | ${x.floor.prompt.p50} | ${x.floor.prompt.p95} | ${x.floor.prompt.p99} | ${x.ratio.p50}× | ${x.ratio.p95}× |`,
    );
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
  lines.push("| mode | runs | DM → BoBB's answer p50 | DM → bot online p50 | all runs (ms) |", "|---|---|---|---|---|");
  for (const mo of modes) {
    const a = get(mo).activation;
    lines.push(`| ${mo} | ${a.runs} | ${a.acceptedP50} | **${a.p50}** | ${a.onlineMs.join(", ")} |`);
  }
  lines.push("");

  lines.push(
    "## Restart",
    "",
    "SIGTERM to the supervisor → it exits with every OpenCode server → a new supervisor on the same files → every child bot has answered a mention.",
    "",
  );
  lines.push("| mode | bots | SIGTERM → exited | → BoBB online | → all online | → all answering |", "|---|---|---|---|---|---|");
  for (const mo of modes) {
    const x = get(mo).restart;
    lines.push(`| ${mo} | ${x.bots} | ${x.exitMs} | ${x.bobbOnlineMs} | ${x.allOnlineMs} | **${x.allAnsweringMs}** |`);
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
  if (r.notes.length) lines.push("## Notes", "", ...r.notes.map((n) => `- ${n}`), "");
  return lines.join("\n");
}
