// No OpenCode server may outlive the supervisor, also when it dies by SIGKILL, OOM or power loss
// (no exit handler runs then). Two layers: on Linux each server is spawned through util-linux's
// `setpriv --pdeathsig SIGKILL`, so the kernel kills it when the supervisor dies (the flag is set
// just before setpriv execs OpenCode, and survives that exec: same pid, same process group); and
// every server is recorded in a pid file in the data dir, so the next start stops any that are
// still running (e.g. spawned where setpriv is missing). A recorded process is touched only while
// it is that very process: same boot, same start time (/proc/<pid>/stat field 22), same command
// line, and that command line is an `opencode serve`; nothing else on the machine is killed.
// (The parent-death signal follows the thread that spawned: the supervisor spawns on its main thread.)
import { existsSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import type { Logger } from "pino";
import { z } from "zod";
import PQueue from "p-queue";
import { writeFileAtomic } from "../fs/atomic-write.js";

const SETPRIV = "/usr/bin/setpriv";
const STOP_GRACE_MS = 3000;

/** The arguments of `opencode serve` on a loopback port. */
export function serveArgs(port: number): string[] {
  return ["serve", "--hostname", "127.0.0.1", "--port", String(port)];
}

/** What to spawn so the server dies with the supervisor: setpriv in front on Linux when it is there. */
export function withParentDeathSignal(command: string, args: string[]): { file: string; args: string[] } {
  if (process.platform !== "linux" || !existsSync(SETPRIV)) return { file: command, args };
  return { file: SETPRIV, args: ["--pdeathsig", "SIGKILL", "--", command, ...args] };
}

/** A live process as /proc shows it; undefined when it is gone, a zombie, or /proc is not there. */
export interface ProcessIdentity {
  /** Start time in clock ticks after boot (field 22 of /proc/<pid>/stat). */
  start: string;
  /** Process group (field 5). */
  pgid: number;
  cmdline: string[];
}

/** The identity of a running process, read from /proc. */
export function processIdentity(pid: number): ProcessIdentity | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the parenthesised command name (which may hold spaces) start at field 3.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (fields[0] === "Z" || fields[0] === "X") return undefined;
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    if (cmdline.at(-1) === "") cmdline.pop();
    return { start: fields[19] ?? "", pgid: Number(fields[2]), cmdline };
  } catch {
    return undefined;
  }
}

function bootId(): string {
  try {
    return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
  } catch {
    return "";
  }
}

const recordSchema = z.object({
  pid: z.number().int().positive(),
  start: z.string().min(1),
  boot: z.string(),
  cmdline: z.array(z.string()),
  name: z.string(),
});
export type ServerRecord = z.infer<typeof recordSchema>;
const fileSchema = z.object({ servers: z.array(recordSchema) });

/** True when the record still names that very process, and it is an OpenCode server. */
function isRecordedServer(record: ServerRecord, now: ProcessIdentity | undefined, boot: string): now is ProcessIdentity {
  if (!now || record.boot !== boot || now.start !== record.start) return false;
  if (now.cmdline.length !== record.cmdline.length || now.cmdline.some((arg, i) => arg !== record.cmdline[i])) return false;
  // …ends in `serve --hostname 127.0.0.1 --port N`, after the program (setpriv has exec'd away).
  const serve = record.cmdline.length - 5;
  return serve > 0 && record.cmdline.slice(serve, serve + 4).join(" ") === "serve --hostname 127.0.0.1 --port";
}

/** The servers this supervisor runs, kept in a pid file (written atomically, writes serialized). */
export class ServerPidFile {
  readonly #records = new Map<number, ServerRecord>();
  readonly #boot = bootId();
  readonly #log: Logger;
  /** Pid file writes, one at a time. */
  readonly #writes = new PQueue({ concurrency: 1 });

  constructor(
    readonly file: string,
    logger: Logger,
  ) {
    this.#log = logger;
  }

  /** Records a server just spawned as `cmdline` (what it runs once setpriv has exec'd it). */
  started(pid: number, name: string, cmdline: string[]): void {
    const now = processIdentity(pid);
    if (!now) return; // already gone, or no /proc: nothing that could be verified later
    this.#records.set(pid, { pid, start: now.start, boot: this.#boot, cmdline, name });
    this.#save();
  }

  /** Forgets a server that exited. */
  exited(pid: number): void {
    if (this.#records.delete(pid)) this.#save();
  }

  /** Resolves once every write asked for so far is on disk. */
  flush(): Promise<void> {
    return this.#writes.onIdle();
  }

  /** Stops the servers an earlier run recorded that are still those very processes; returns their pids. */
  async reclaim(): Promise<number[]> {
    const earlier = await this.#read();
    const stopped: number[] = [];
    await Promise.all(
      earlier.map(async (record) => {
        if (this.#records.has(record.pid)) return; // ours, from this run
        const now = processIdentity(record.pid);
        if (!isRecordedServer(record, now, this.#boot)) return;
        this.#log.warn({ pid: record.pid, agent: record.name }, "stopping an OpenCode server left running by an earlier run");
        await stopProcess(record, now);
        stopped.push(record.pid);
      }),
    );
    this.#save();
    await this.#writes.onIdle();
    return stopped;
  }

  async #read(): Promise<ServerRecord[]> {
    let text: string;
    try {
      text = await readFile(this.file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") this.#log.warn({ err: error, file: this.file }, "cannot read the OpenCode pid file");
      return [];
    }
    try {
      return fileSchema.parse(JSON.parse(text)).servers;
    } catch {
      this.#log.warn({ file: this.file }, "the OpenCode pid file is not valid; ignoring it");
      return [];
    }
  }

  #save(): void {
    const text = JSON.stringify({ servers: [...this.#records.values()] }, null, 2) + "\n";
    // Not awaited here: callers are synchronous process events; flush() waits for the writes.
    void this.#writes
      .add(() => writeFileAtomic(this.file, text, 0o600))
      .catch((error: unknown) => this.#log.warn({ err: error, file: this.file }, "cannot write the OpenCode pid file"));
  }
}

/** SIGTERM, then SIGKILL after a grace period; its process group too when it leads one (it was spawned detached). */
async function stopProcess(record: ServerRecord, now: ProcessIdentity): Promise<void> {
  const target = now.pgid === record.pid ? -record.pid : record.pid;
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(target, name);
    } catch {
      // already gone
    }
  };
  const gone = () => processIdentity(record.pid)?.start !== record.start;
  signal("SIGTERM");
  const deadline = Date.now() + STOP_GRACE_MS;
  while (!gone() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  // The group may hold children that outlived the leader (its number stays theirs while they live,
  // so it names no one else); a lone pid is signalled only while it is still that process.
  if (target < 0 || !gone()) signal("SIGKILL");
  while (!gone() && Date.now() < deadline + STOP_GRACE_MS) await new Promise((resolve) => setTimeout(resolve, 50));
}
