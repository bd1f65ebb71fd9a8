/**
 * `npm run bench -- --only=takeover`: several supervisors on one PostgreSQL database (issue 19).
 *   - takeover: two hosts, `kill -9` of the one running a bot → that bot answers again from the other
 *     (p50 over 5 runs; the killed host is started again between runs);
 *   - reply overhead: the same bot answering with the registry in PostgreSQL (lease mode) and in
 *     registry.json (file mode), p50/p95 over sequential mentions.
 * `--lease-ttl=ms` (default 30000, the product's default) and `--runs=5`.
 * Writes bench/results/<date>-takeover.json and prints the figures (docs/benchmarks.md is rendered elsewhere).
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { startFleet, type Fleet, type Host } from "../test/helpers/fleet.js";
import { waitFor } from "../test/helpers/wait.js";
import { percentiles } from "./lib/stats.js";
import { ROOT } from "./lib/supervisor.js";

type Msg = { id: string; author: { id: string }; message_reference?: { message_id: string } };

async function askTimed(fleet: Fleet, userId: string, timeoutMs: number): Promise<number> {
  const channel = fleet.sandbox.control.channelId("general");
  const started = Date.now();
  const sent = fleet.sandbox.control.postMessage(channel, fleet.humanId, `<@${userId}> ping`) as { id: string };
  await waitFor(
    () => (fleet.sandbox.control.listMessages(channel) as unknown as Msg[]).some((m) => m.author.id === userId && m.message_reference?.message_id === sent.id),
    timeoutMs,
    "the reply",
    5,
  );
  return Date.now() - started;
}

/** kill -9 of the bot's host → the first reply from the other host to a mention sent at the kill (retried each second). */
async function takeover(ttlMs: number, runs: number, log: (s: string) => void): Promise<{ runsMs: number[]; p50: number; leaseTtlMs: number }> {
  const fleet = await startFleet({ hosts: 2, leaseTtlMs: ttlMs });
  const runsMs: number[] = [];
  try {
    const bot = await fleet.addAgent(fleet.hosts[0]!, "Takeover", "A bot that moves between hosts.");
    for (let run = 0; run < runs; run++) {
      // Settled: one agent per host (BoBB on one, the bot on the other; a host that joined took its share), the bot answering.
      const holder = await waitFor(
        async () => {
          const h = await fleet.holders();
          const node = h.get(bot.id);
          return node && h.get("bobb") && node !== h.get("bobb") && fleet.sandbox.control.connections(bot.userId) === 1 ? node : undefined;
        },
        120_000,
        "the bot leased by a host of its own and online",
      );
      await waitFor(
        () =>
          askTimed(fleet, bot.userId, 3_000).then(
            () => true,
            () => false,
          ),
        60_000,
        "the bot answering before the kill",
        0,
      );
      const victim = fleet.hosts.find((h) => h.nodeId === holder)!;
      const killed = Date.now();
      victim.child.kill("SIGKILL");
      await victim.exited;
      // Mentions sent while nobody runs the bot may go unanswered: one a second until the bot answers any of them.
      const channel = fleet.sandbox.control.channelId("general");
      const sent = new Set<string>();
      const ticker = setInterval(
        () => sent.add((fleet.sandbox.control.postMessage(channel, fleet.humanId, `<@${bot.userId}> still there?`) as { id: string }).id),
        1_000,
      );
      try {
        await waitFor(
          () =>
            (fleet.sandbox.control.listMessages(channel) as unknown as Msg[]).some(
              (m) => m.author.id === bot.userId && m.message_reference !== undefined && sent.has(m.message_reference.message_id),
            ),
          4 * ttlMs + 60_000,
          "an answer from the other host",
          5,
        );
      } finally {
        clearInterval(ticker);
      }
      runsMs.push(Date.now() - killed);
      log(`takeover run ${run + 1}: ${runsMs.at(-1)} ms (lease period ${ttlMs} ms)`);
      fleet.hosts.splice(fleet.hosts.indexOf(victim), 1);
      await fleet.addHost(`${victim.nodeId}${run}`);
    }
    return { runsMs, p50: percentiles(runsMs).p50, leaseTtlMs: ttlMs };
  } finally {
    await fleet.close();
  }
}

export async function replies(database: boolean, count: number): Promise<{ p50: number; p95: number }> {
  const fleet = await startFleet({ hosts: 1, leaseTtlMs: 30_000, database });
  try {
    const host: Host = fleet.hosts[0]!;
    const bot = await fleet.addAgent(host, "Replier", "A bot that answers.");
    await waitFor(() => fleet.sandbox.control.connections(bot.userId) === 1, 120_000, "the bot online");
    await askTimed(fleet, bot.userId, 60_000);
    const times: number[] = [];
    for (let i = 0; i < count; i++) times.push(await askTimed(fleet, bot.userId, 60_000));
    const p = percentiles(times);
    return { p50: p.p50, p95: p.p95 };
  } finally {
    await fleet.close();
  }
}

export async function runTakeoverBench(options: { ttlMs: number; runs: number }, log: (s: string) => void): Promise<void> {
  const take = await takeover(options.ttlMs, options.runs, log);
  log(`takeover after kill -9: p50 ${take.p50} ms over ${take.runsMs.length} runs (lease period ${take.leaseTtlMs} ms)`);
  const file = await replies(false, 30);
  const pg = await replies(true, 30);
  log(`reply, file registry: p50 ${file.p50} / p95 ${file.p95} ms; PostgreSQL + leases: p50 ${pg.p50} / p95 ${pg.p95} ms`);
  const out = path.join(ROOT, "bench", "results", `${new Date().toISOString().slice(0, 19).replace(/:/g, "-")}-takeover.json`);
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, JSON.stringify({ takeover: take, reply: { file, postgres: pg, overheadP50Ms: pg.p50 - file.p50 } }, null, 2) + "\n");
  log(`written ${path.relative(ROOT, out)}`);
}
