/**
 * `npx tsx bench/probe-clients.ts [--bots=100] [--messages=200] [--defaults]` — the supervisor's
 * memory per discord.js client: N clients of N applications in one child process (with the
 * product's cache limits, or discord.js's defaults with --defaults) against the sandbox in this
 * process; the child's RSS and heap before login, idle once all are online, and after traffic
 * (messages in #general, which every client sees).
 */
import { spawn } from "node:child_process";
import { rm, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Client, GatewayIntentBits, Partials } from "discord.js";
import { clientCache } from "../src/discord/client-cache.js";
import { createSandbox } from "../src/sandbox/index.js";
import { waitFor } from "../test/helpers/wait.js";

const { values } = parseArgs({
  options: {
    bots: { type: "string", default: "100" },
    messages: { type: "string", default: "200" },
    defaults: { type: "boolean", default: false },
    child: { type: "string" },
  },
});

interface Sample {
  stage: string;
  rssMb: number;
  heapMb: number;
}

const sample = (stage: string): Sample => {
  global.gc?.();
  const m = process.memoryUsage();
  return { stage, rssMb: Math.round(m.rss / 2 ** 20), heapMb: Math.round(m.heapUsed / 2 ** 20) };
};

/** The child: logs every client in, then reports memory on each line read from stdin. */
async function child(file: string): Promise<void> {
  const { api, tokens, defaults } = JSON.parse(await import("node:fs").then((fs) => fs.readFileSync(file, "utf8"))) as {
    api: string;
    tokens: string[];
    defaults: boolean;
  };
  console.log(JSON.stringify(sample("before login")));
  const clients = tokens.map(
    (token) =>
      [
        new Client({
          ...(defaults ? {} : clientCache()),
          intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent, GatewayIntentBits.DirectMessages],
          partials: [Partials.Channel],
          rest: { api },
        }),
        token,
      ] as const,
  );
  await Promise.all(
    clients.map(async ([c, t]) => {
      const ready = new Promise<void>((resolve) => c.once("clientReady", () => resolve()));
      await c.login(t);
      await ready;
    }),
  );
  console.log(JSON.stringify(sample("idle, all online")));
  for await (const line of createInterface({ input: process.stdin })) {
    if (line === "exit") break;
    console.log(JSON.stringify(sample(line)));
  }
  await Promise.all(clients.map(([c]) => c.destroy()));
  process.exit(0);
}

async function main(): Promise<void> {
  const n = Number(values.bots);
  const messages = Number(values.messages);
  const sandbox = await createSandbox({ rateLimits: { default: { limit: 100_000, windowMs: 1000 }, global: { limit: 1_000_000, windowMs: 1000 } } });
  const control = sandbox.control;
  const guild = control.guildId();
  const apps = Array.from({ length: n }, (_, i) => {
    const app = control.createApplication(`Probe ${i}`, { message_content_intent: true });
    control.addBotToGuild(guild, app.application_id);
    return app;
  });
  const human = control.createUser("probe-human").id;
  const file = path.join(tmpdir(), `bobb-probe-clients-${process.pid}.json`);
  await writeFile(file, JSON.stringify({ api: `${sandbox.url}/api`, tokens: apps.map((a) => a.token), defaults: values.defaults }), { mode: 0o600 });
  const began = performance.now();
  const proc = spawn(process.execPath, ["--expose-gc", "--import", "tsx", fileURLToPath(import.meta.url), `--child=${file}`], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const samples: Sample[] = [];
  createInterface({ input: proc.stdout }).on("line", (line) => {
    try {
      samples.push(JSON.parse(line) as Sample);
    } catch {
      // not a sample
    }
  });
  const ask = async (stage: string) => {
    proc.stdin.write(`${stage}\n`);
    await waitFor(() => samples.find((s) => s.stage === stage), 120_000, stage, 20);
  };
  await waitFor(() => samples.find((s) => s.stage === "idle, all online"), 600_000, "all online", 50);
  const onlineMs = Math.round(performance.now() - began);
  const general = control.channelId("general");
  for (let i = 0; i < messages; i++) control.postMessage(general, human, `traffic ${i}: ${"lorem ipsum ".repeat(8)}`);
  // Every client sees every message: wait until the gateway has delivered them (a sample after a pause).
  await new Promise((r) => setTimeout(r, 5_000 + n * 20));
  await ask(`after ${messages} messages in #general`);
  proc.stdin.write("exit\n");
  await new Promise((r) => proc.once("exit", r));
  await sandbox.close();
  await rm(file, { force: true });
  const [before, idle, after] = samples;
  const per = (a: Sample, b: Sample, k: "rssMb" | "heapMb") => Math.round(((b[k] - a[k]) / n) * 100) / 100;
  console.log(
    `${n} clients (${values.defaults ? "discord.js default caches" : "BoBB's cache limits"}), all online in ${onlineMs} ms; load ${loadavg()[0]!.toFixed(1)}`,
  );
  for (const s of samples) console.log(`  ${s.stage}: RSS ${s.rssMb} MB, heap ${s.heapMb} MB`);
  console.log(`  per client idle: RSS ${per(before!, idle!, "rssMb")} MB, heap ${per(before!, idle!, "heapMb")} MB`);
  console.log(`  per client after traffic: RSS ${per(before!, after!, "rssMb")} MB, heap ${per(before!, after!, "heapMb")} MB`);
}

if (values.child) await child(values.child);
else await main();
