import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import type { RequestView, Rule } from "../../src/demo-model/index.js";
import { prepareFiles, SupervisorProcess, type ReplyTiming } from "./supervisor.js";
import { waitFor } from "../../test/helpers/wait.js";
import { mb, percentiles, round, sleep, type Percentiles } from "./stats.js";
import { PLAIN_RULES, type BenchBot, type World } from "./world.js";

export type Mode = "project" | "isolated" | "shared";

/** The machine's 1-minute load average now (the machine is shared: every figure carries it). */
export const load1 = () => round(loadavg()[0]!, 1);

export interface RunDirs {
  /** Every temp dir of the run lives under this root (cleanup and orphan checks). */
  root: string;
}

export async function newDir(dirs: RunDirs, prefix: string): Promise<string> {
  return mkdtemp(path.join(dirs.root, prefix));
}

export async function makeRunDirs(): Promise<RunDirs & { cleanup(): Promise<void> }> {
  const root = await mkdtemp(path.join(tmpdir(), "bobb-bench-"));
  return { root, cleanup: () => rm(root, { recursive: true, force: true }) };
}

/** Starts a supervisor whose registry holds `bots` active, and waits until BoBB and every bot is online. */
export async function startWith(world: World, mode: Mode, bots: BenchBot[], dir: string): Promise<{ sup: SupervisorProcess; readyMs: number }> {
  const files = await prepareFiles(dir, mode, world, bots);
  const sup = SupervisorProcess.start(files);
  const ids = [world.bobb.userId, ...bots.map((b) => b.userId)];
  await sup.alive(waitFor(() => ids.every((id) => world.online(id)), 600_000, `${ids.length} bots online`, 20));
  return { sup, readyMs: round(performance.now() - sup.startedAt, 0) };
}

/** Mentions every given user once in #general (all at once) and waits for the replies; returns how many came. */
export async function promptAll(world: World, userIds: string[], timeoutMs = Math.max(300_000, userIds.length * 1500)): Promise<number> {
  const asked = userIds.map((id) => world.post(world.general, `<@${id}> hello, one prompt for the memory figure`));
  const got = await Promise.allSettled(asked.map((m) => world.replyTo(m.id, timeoutMs)));
  return got.filter((g) => g.status === "fulfilled").length;
}

export interface MemoryPoint {
  n: number;
  processes: number;
  readyMs: number;
  idleMb: number;
  afterPromptMb: number;
  /** The supervisor process alone (discord.js clients, API, bridge), without OpenCode. */
  supervisorIdleMb: number;
  supervisorAfterPromptMb: number;
  /** One prompt to every bot at once (all mentions posted together) → the last reply. */
  promptAllMs: number;
  /** Replies that came within the wait (BoBB and every child were asked). */
  answered?: number;
  /** 1-minute load average when the figure was taken. */
  load1: number;
}

/**
 * Memory with N active child bots: a fresh supervisor per N (registry with N bots active),
 * RSS of the supervisor and all its descendants idle, then after BoBB and every child has
 * answered one prompt. Returns the last supervisor still running (for the next scenarios).
 */
export async function memory(
  world: World,
  dirs: RunDirs,
  mode: Mode,
  ns: number[],
  settleMs: number,
  log: (s: string) => void,
  /** Runs with the supervisor of the largest N before it stops (figures at scale). */
  atMax?: (sup: SupervisorProcess, n: number) => Promise<void>,
  /** After each point (the run writes them, so an interrupted run keeps them). */
  onPoint?: (points: MemoryPoint[]) => void,
): Promise<{ points: MemoryPoint[]; last: SupervisorProcess }> {
  const maxN = Math.max(...ns);
  const points: MemoryPoint[] = [];
  let last: SupervisorProcess | undefined;
  for (const [i, n] of ns.entries()) {
    const bots = world.bots.slice(0, n);
    const { sup, readyMs } = await startWith(world, mode, bots, await newDir(dirs, `mem-${mode}-${n}-`));
    await sleep(settleMs);
    const idle = await sup.rss();
    const processes = sup.processCount();
    const asked = performance.now();
    const answered = await sup.alive(promptAll(world, [world.bobb.userId, ...bots.map((b) => b.userId)]));
    const promptAllMs = round(performance.now() - asked, 0);
    await sleep(settleMs);
    const after = await sup.rss();
    points.push({
      n,
      processes,
      readyMs,
      idleMb: mb(idle.total),
      afterPromptMb: mb(after.total),
      supervisorIdleMb: mb(idle.supervisor),
      supervisorAfterPromptMb: mb(after.supervisor),
      promptAllMs,
      answered,
      load1: load1(),
    });
    onPoint?.(points);
    log(
      `${mode} N=${n}: ready in ${readyMs} ms, ${processes} processes, idle ${mb(idle.total)} MB (supervisor ${mb(idle.supervisor)}), after one prompt each ${mb(after.total)} MB (supervisor ${mb(after.supervisor)}), ${answered}/${n + 1} answered in ${promptAllMs} ms; load ${load1()}`,
    );
    if (n === maxN && atMax && n > 20) await atMax(sup, n);
    if (i === ns.length - 1) last = sup;
    else await sup.stop();
  }
  return { points, last: last! };
}

/** Least-squares slope of MB over N: the marginal cost of one more active child bot. */
export function marginal(points: MemoryPoint[], key: "idleMb" | "afterPromptMb" | "supervisorIdleMb" | "supervisorAfterPromptMb"): number {
  const xs = points.map((p) => p.n);
  const ys = points.map((p) => p[key]);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const num = xs.reduce((s, x, i) => s + (x - mx) * (ys[i]! - my), 0);
  const den = xs.reduce((s, x) => s + (x - mx) ** 2, 0);
  return den === 0 ? Number.NaN : round(num / den, 1);
}

export interface ReplyFigures {
  messages: number;
  bots: number;
  warmup: number;
  total: Percentiles;
  breakdown: Record<"gatewayMs" | "routeMs" | "contextMs" | "opencodeMs" | "postMs", Percentiles>;
  /** The prompt texts OpenCode received, per bot, in order (replayed for the floor). */
  prompts: Record<string, string[]>;
  /** Child bots connected while it ran. */
  connected: number;
  load1: number;
}

/**
 * Reply overhead: one message at a time, round-robin over the bots, from the human's post
 * being stored in the sandbox to the bot's reply being stored. The first message per bot
 * (session creation, first history fetch) is a warm-up and not counted.
 */
export async function replyOverhead(
  world: World,
  sup: SupervisorProcess,
  bots: BenchBot[],
  count: number,
  log: (s: string) => void,
  connected = bots.length,
): Promise<ReplyFigures> {
  world.model.clearRequests();
  const totals: number[] = [];
  const ids: string[] = [];
  const warmup = bots.length;
  for (let i = 0; i < count + warmup; i++) {
    const bot = bots[i % bots.length]!;
    const asked = world.post(world.general, `<@${bot.userId}> question number ${i}: what do you think?`);
    const reply = await sup.alive(world.replyTo(asked.id, 60_000));
    if (i >= warmup) {
      totals.push(reply.at - asked.at);
      ids.push(asked.id);
    }
    if ((i + 1) % 50 === 0) log(`  ${i + 1 - warmup}/${count} messages`);
  }
  await sleep(300); // the last log lines
  const byId = new Map<string, ReplyTiming>(sup.timings.map((t) => [t.message, t]));
  const rows = ids.map((id) => byId.get(id)).filter((t): t is ReplyTiming => t !== undefined);
  const pick = (k: keyof Omit<ReplyTiming, "message">) => percentiles(rows.map((r) => r[k]));
  const prompts: Record<string, string[]> = {};
  for (const r of world.model.requests) {
    if (r.rule !== "bench") continue;
    const name = /You are \*\*(Bench Bot \d+)\*\*/.exec(r.view.system)?.[1];
    if (!name) continue;
    (prompts[name] ??= []).push(r.view.lastUser);
  }
  return {
    messages: totals.length,
    bots: bots.length,
    warmup,
    total: percentiles(totals),
    breakdown: { gatewayMs: pick("gatewayMs"), routeMs: pick("routeMs"), contextMs: pick("contextMs"), opencodeMs: pick("opencodeMs"), postMs: pick("postMs") },
    prompts,
    connected,
    load1: load1(),
  };
}

export interface ActivationFigures {
  runs: number;
  /** Token DM posted → bot online in the guild. */
  onlineMs: number[];
  /** Token DM posted → BoBB's "activated" answer. */
  acceptedMs: number[];
  p50: number;
  acceptedP50: number;
  load1: number;
}

/** Activation through the real intake path: an agent waits for its token, a human DMs it to BoBB. */
export async function activation(world: World, sup: SupervisorProcess, runs: number, log: (s: string) => void): Promise<ActivationFigures> {
  const onlineMs: number[] = [];
  const acceptedMs: number[] = [];
  const dm = world.sandbox.control.openDm(world.humanId, world.bobb.userId).channel_id;
  for (let i = 0; i < runs; i++) {
    const name = `Fresh Bot ${i}`;
    const created = await sup.api("POST", "/api/registry/agents", { name, persona: `Freshly activated bot ${i}.` });
    if (created.status !== 201) throw new Error(`could not create ${name}: ${JSON.stringify(created.json)}`);
    const app = world.newApplication(name);
    const posted = world.post(dm, app.token);
    const accepted = await sup.alive(
      waitFor(() => world.botMessagesSince(dm, posted.at).find((m) => m.authorId === world.bobb.userId), 60_000, "BoBB's answer to the token", 2),
    );
    await sup.alive(waitFor(() => world.online(app.userId), 60_000, `${name} online`, 2));
    const online = performance.now() - posted.at;
    onlineMs.push(round(online, 0));
    acceptedMs.push(round(accepted.at - posted.at, 0));
    log(`  activation ${i + 1}/${runs}: accepted after ${round(accepted.at - posted.at, 0)} ms, online after ${round(online, 0)} ms`);
  }
  return { runs, onlineMs, acceptedMs, p50: percentiles(onlineMs).p50, acceptedP50: percentiles(acceptedMs).p50, load1: load1() };
}

export interface RestartFigures {
  bots: number;
  /** SIGTERM → old supervisor and all its children gone. */
  exitMs: number;
  /** SIGTERM → BoBB online again. */
  bobbOnlineMs: number;
  /** SIGTERM → every child bot online. */
  allOnlineMs: number;
  /** SIGTERM → every child bot has answered a mention. */
  allAnsweringMs: number;
  load1: number;
}

/** SIGTERM the supervisor, start a new one on the same files, and wait until every bot answers again. */
export async function restart(
  world: World,
  sup: SupervisorProcess,
  bots: BenchBot[],
  /** Sees the new supervisor as soon as it is spawned (`--only=restart` reads its log lines). */
  started?: (next: SupervisorProcess) => void,
): Promise<{ figures: RestartFigures; sup: SupervisorProcess }> {
  const began = performance.now();
  const exitMs = await sup.stop("SIGTERM");
  const next = SupervisorProcess.start(sup.files);
  started?.(next);
  const since = () => round(performance.now() - began, 0);
  const bobb = next.alive(waitFor(() => world.online(world.bobb.userId), 120_000, "BoBB online", 5)).then(since);
  const onlineAt: number[] = [];
  const answers = bots.map(async (bot) => {
    await next.alive(waitFor(() => world.online(bot.userId), 300_000, `${bot.name} online`, 5));
    onlineAt.push(since());
    for (let attempt = 0; ; attempt++) {
      const asked = world.post(world.general, `<@${bot.userId}> are you back?`);
      try {
        // Long enough for the first answer of a cold server, so the figure is that answer, not a re-ask.
        await next.alive(world.replyTo(asked.id, 30_000));
        return since();
      } catch (err) {
        if (attempt >= 3) throw err;
      }
    }
  });
  const answered = await Promise.all(answers);
  return {
    figures: {
      bots: bots.length,
      exitMs: round(exitMs, 0),
      bobbOnlineMs: await bobb,
      allOnlineMs: Math.max(...onlineAt),
      allAnsweringMs: Math.max(...answered),
      load1: load1(),
    },
    sup: next,
  };
}

export interface LoopFigures {
  botTurnCap: number;
  /** Bot messages in the adversarial exchange before the governor halted it. */
  messagesUntilHalt: number;
  /** First bot message → halt notice. */
  haltAfterMs: number;
  noticeSeen: boolean;
  /** Bot messages posted after a human's "stop" in a running exchange. */
  messagesAfterStop: number;
  /** "stop" → last bot message of the pair (0 when none came after it). */
  stopToLastMs: number;
}

const channelOf = (v: RequestView) => /Channel ID: (\d+)/.exec(v.lastUser)?.[1] ?? "";

/** Two bots whose model always mentions the other (through send_message with mention_bots). */
function adversarialRules(a: BenchBot, b: BenchBot): Rule[] {
  const me = (bot: BenchBot) => `You are **${bot.name}**`;
  const attack = (other: BenchBot) => (v: RequestView) => ({
    toolCalls: [{ name: "send_message", args: { channel_id: channelOf(v), content: "You are wrong!", mention_bots: [other.name] } }],
  });
  return [
    { name: "loop-quiet", system: me(a), after: "tool", reply: "" },
    { name: "loop-quiet", system: me(b), after: "tool", reply: "" },
    { name: "loop", system: me(a), reply: attack(b) },
    { name: "loop", system: me(b), reply: attack(a) },
  ];
}

/** The loop bound: an adversarial pair until the governor halts it; a second pair stopped by "stop". */
export async function loopBound(world: World, sup: SupervisorProcess, bots: BenchBot[]): Promise<LoopFigures> {
  const [a, b, c, d] = bots as [BenchBot, BenchBot, BenchBot, BenchBot];
  const quietFor = async (channel: string, since: number, ms: number) => {
    await sup.alive(
      waitFor(
        () => {
          const last = world.botMessagesSince(channel, since).at(-1)?.at ?? since;
          return performance.now() - last > ms;
        },
        120_000,
        "the channel to go quiet",
        50,
      ),
    );
  };
  try {
    world.model.setRules([...adversarialRules(a, b), ...adversarialRules(c, d), ...PLAIN_RULES]);
    const debate = world.debate;
    const start = world.post(debate, `<@${a.userId}> argue with ${b.name} forever`);
    await quietFor(debate, start.at, 4000);
    const seen = world.botMessagesSince(debate, start.at);
    const exchange = seen.filter((m) => m.content.includes("You are wrong!"));
    const notice = seen.find((m) => /paused/i.test(m.content));
    const general = world.general;
    const second = world.post(general, `<@${c.userId}> argue with ${d.name} forever`);
    await sup.alive(
      waitFor(
        () => world.botMessagesSince(general, second.at).filter((m) => m.content.includes("You are wrong!")).length >= 3,
        60_000,
        "three exchange messages",
        1,
      ),
    );
    const stop = world.post(general, "stop");
    await quietFor(general, stop.at, 4000);
    const afterStop = world.botMessagesSince(general, stop.at).filter((m) => m.authorId === c.userId || m.authorId === d.userId);
    return {
      botTurnCap: Number(sup.files.env.BOBB_BOT_TURN_CAP ?? 8),
      messagesUntilHalt: exchange.length,
      haltAfterMs: round((notice?.at ?? exchange.at(-1)?.at ?? start.at) - (exchange[0]?.at ?? start.at), 0),
      noticeSeen: notice !== undefined,
      messagesAfterStop: afterStop.length,
      stopToLastMs: afterStop.length ? round(afterStop.at(-1)!.at - stop.at, 0) : 0,
    };
  } finally {
    world.model.setRules(PLAIN_RULES);
  }
}
