// BoBB survives its own crash: the real start command is SIGKILLed while BoBB and a child bot
// run; their OpenCode servers die with it, a server an earlier run left holding BoBB's port is
// stopped by the next start (it is in the pid file and still that very process), processes the
// supervisor did not start are never killed, and after SIGTERM nothing is left.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/app.js";
import { resolveOpencodeCommand } from "../../src/opencode/index.js";
import { descendants, stillRunning, type ProcId } from "../helpers/proc.js";
import { localEnv } from "../helpers/supervisor.js";
import { tempDir } from "../helpers/temp.js";
import { waitFor } from "../helpers/wait.js";

const ARGS = ["--import", "tsx", "src/main.ts"];
const ADMIN_KEY = "crash-admin-key-0123456789abcdef";

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

let dir = "";
let cleanup: () => Promise<void> = async () => undefined;
let env: Record<string, string> = {};
let url = "";
const runs: Run[] = [];
const planted: ChildProcess[] = [];
const seen = new Map<number, ProcId>();

function collect(run: Run): ProcId[] {
  const found = run.child.pid === undefined ? [] : descendants(run.child.pid);
  for (const proc of found) seen.set(proc.pid, proc);
  return found;
}

/** Starts `npm start`'s command in the shared temp dir and waits until it prints the browser line. */
async function start(): Promise<Run> {
  const child = spawn(process.execPath, ARGS, { cwd: PROJECT_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const run = { child, output: () => output, exited };
  runs.push(run);
  let code: number | null | undefined;
  void exited.then((c) => (code = c));
  await waitFor(
    () => {
      if (code !== undefined) throw new Error(`the start command exited (${code}):\n${output}`);
      return /open http:\/\/127\.0\.0\.1:\d+ in your browser/.test(output);
    },
    90_000,
    "the supervisor to start",
  );
  url = /sandbox listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1] ?? "";
  return run;
}

async function json<T>(route: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(route, {
    signal: AbortSignal.timeout(5_000),
    ...init,
    headers: { "content-type": "application/json", ...(init.headers as Record<string, string>) },
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? "GET"} ${route}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

interface Guild {
  id: string;
  channels: { id: string; name: string }[];
  members: { id: string; username: string; bot: boolean; online: boolean }[];
}
const guild = async () => (await json<Guild[]>(`${url}/portal/guilds`))[0]!;
const apiUrl = () => `http://127.0.0.1:${env["BOBB_API_PORT"]}`;
const admin = { authorization: `Bearer ${ADMIN_KEY}` };

/** Mentions a bot in #general and waits for its reply, which the demo model marks. */
async function answers(botName: string): Promise<string> {
  const g = await guild();
  const general = g.channels.find((c) => c.name === "general")!.id;
  const bot = await waitFor(async () => (await guild()).members.find((m) => m.username === botName && m.online), 60_000, `${botName} online`);
  const human = g.members.find((m) => !m.bot)!;
  const sent = await json<{ id: string }>(`${url}/control/channels/${general}/messages`, {
    method: "POST",
    body: JSON.stringify({ author_id: human.id, content: `<@${bot.id}> are you there?` }),
  });
  const reply = await waitFor(
    async () =>
      (
        await json<{ content: string; author: { id: string }; message_reference?: { message_id: string } }[]>(`${url}/control/channels/${general}/messages`)
      ).find((m) => m.author.id === bot.id && m.message_reference?.message_id === sent.id),
    60_000,
    `${botName}'s reply`,
  );
  return reply.content;
}

/** A process the test starts itself, detached (so it outlives nothing of ours by accident). */
function plant(command: string, args: string[], extraEnv: Record<string, string> = {}): ChildProcess {
  const child = spawn(command, args, { detached: true, stdio: "ignore", env: { PATH: env["PATH"] ?? "/usr/bin:/bin", HOME: dir, ...extraEnv } });
  planted.push(child);
  return child;
}

/** /proc/<pid>/stat field 22 (start time). */
function startTime(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? "";
}

const bootId = () => readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
const alive = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir("bobb-crash-"));
  env = {
    PATH: process.env["PATH"] ?? "/usr/bin:/bin",
    HOME: process.env["HOME"] ?? dir,
    ...(await localEnv(dir)),
    BOBB_API_KEY: ADMIN_KEY,
    BOBB_DISCORD_TOKEN: "",
    ANTHROPIC_API_KEY: "",
    BOBB_MODEL_BASE_URL: "",
    // One server per bot: a crash leaves several behind, each to be recognised (project mode has one).
    BOBB_OPENCODE_MODE: "isolated",
  };
}, 10_000);

afterAll(async () => {
  for (const run of runs) if (alive(run.child)) run.child.kill("SIGKILL");
  for (const child of planted) if (alive(child)) child.kill("SIGKILL");
  for (const proc of seen.values()) if (stillRunning(proc)) process.kill(proc.pid, "SIGKILL");
  await cleanup();
});

describe.skipIf(process.platform !== "linux")("kill -9 of the supervisor", () => {
  it("its servers die with it; the next start stops a leftover server, spares others' processes, and BoBB and the child answer", async () => {
    const first = await start();
    const created = await json<{ agent: { id: string } }>(`${apiUrl()}/api/registry/agents`, {
      method: "POST",
      headers: admin,
      body: JSON.stringify({ name: "Chef Bot", persona: "A chef who answers briefly." }),
    });
    const app = await json<{ application_id: string; token: string }>(`${url}/portal/applications`, {
      method: "POST",
      body: JSON.stringify({ name: "Chef Bot", message_content_intent: true }),
    });
    await json(`${url}/portal/guilds/${(await guild()).id}/bots`, { method: "POST", body: JSON.stringify({ application_id: app.application_id }) });
    await json(`${apiUrl()}/api/registry/agents/${created.agent.id}`, { method: "PUT", headers: admin, body: JSON.stringify({ token: app.token }) });
    expect(await answers("BoBB")).toContain("(demo model)");
    expect(await answers("Chef Bot")).toContain("(demo model)");
    // The sandbox saves its state a moment after a change; the kill must not lose Chef's application.
    const sandboxState = path.join(env["BOBB_DATA_DIR"]!, "sandbox.json");
    await waitFor(() => readFileSync(sandboxState, "utf8").includes(app.application_id), 10_000, "sandbox state saved");

    const servers = collect(first).filter((p) => /opencode/i.test(p.command));
    expect(servers).toHaveLength(2);
    first.child.kill("SIGKILL");
    await first.exited;
    // No exit handler runs on SIGKILL: the kernel ends them (parent-death signal).
    await waitFor(() => servers.every((p) => !stillRunning(p)), 10_000, "the OpenCode servers to die with the supervisor");

    // What a crash left behind before that existed (or where setpriv is missing): a server in the
    // pid file still holding BoBB's port. And processes the supervisor never started, listed too.
    const pidFile = path.join(env["BOBB_DATA_DIR"]!, "opencode", "pids.json");
    const recorded = JSON.parse(readFileSync(pidFile, "utf8")) as { servers: { pid: number; name: string }[] };
    expect(recorded.servers.map((s) => s.name).sort()).toEqual(["bobb", created.agent.id].sort());
    const command = resolveOpencodeCommand();
    const serve = ["serve", "--hostname", "127.0.0.1", "--port", env["BOBB_OPENCODE_PORT"]!];
    const leftover = plant(command, serve, { OPENCODE_SERVER_PASSWORD: "left-over" });
    const bystander = plant("sleep", ["600"]);
    const lookalike = plant("sleep", ["601"]);
    const reusedArgs = [process.execPath, "-e", "setInterval(() => {}, 1000)", "serve", "--hostname", "127.0.0.1", "--port", "1"];
    const reused = plant(reusedArgs[0]!, reusedArgs.slice(1));
    await waitFor(
      async () =>
        (await fetch(`http://127.0.0.1:${env["BOBB_OPENCODE_PORT"]}/global/health`, { signal: AbortSignal.timeout(2_000) }).catch(() => null))?.status === 401,
      30_000,
      "the leftover server to hold BoBB's port",
    );
    const boot = bootId();
    const record = (pid: number, cmdline: string[], start = startTime(pid)) => ({ pid, start, boot, cmdline, name: "bobb" });
    writeFileSync(
      pidFile,
      JSON.stringify({
        servers: [
          ...recorded.servers,
          record(leftover.pid!, [command, ...serve]),
          // a live process whose command line is not what was recorded
          record(bystander.pid!, [command, ...serve]),
          // recorded as it is, but it is no OpenCode server
          record(lookalike.pid!, ["sleep", "601"]),
          // the command line of a server, the wrong start time: the pid was reused
          record(reused.pid!, reusedArgs, "1"),
        ],
      }),
    );

    const second = await start();
    expect(second.output()).not.toContain("exited while starting");
    await waitFor(() => !alive(leftover), 10_000, "the leftover server to be stopped");
    for (const other of [bystander, lookalike, reused]) expect(alive(other)).toBe(true);
    expect(await answers("BoBB")).toContain("(demo model)");
    expect(await answers("Chef Bot")).toContain("(demo model)");

    const restarted = collect(second).filter((p) => /opencode/i.test(p.command));
    expect(restarted).toHaveLength(2);
    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);
    await waitFor(() => [...seen.values()].every((p) => !stillRunning(p)), 10_000, "no descendant left");
    expect((JSON.parse(readFileSync(pidFile, "utf8")) as { servers: unknown[] }).servers).toEqual([]);
    for (const other of [bystander, lookalike, reused]) expect(alive(other)).toBe(true);
  }, 240_000);
});
