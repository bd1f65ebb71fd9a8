// The one /proc scanner of the tests and the benchmarks (Linux): which processes descend from a
// pid, which run in a directory, and whether they still exist. A process is named by pid and start time, so a reused pid is not mistaken for it.
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

/** A process as /proc names it: pid plus start time (clock ticks after boot). */
export interface ProcId {
  pid: number;
  start: string;
  command: string;
}

function stat(pid: number): { ppid: number; start: string; command: string } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command is in parentheses and may hold spaces; the fields after it are plain.
    const close = text.lastIndexOf(")");
    const fields = text.slice(close + 2).split(" ");
    return { ppid: Number(fields[1]), start: fields[19] ?? "", command: text.slice(text.indexOf("(") + 1, close) };
  } catch {
    return undefined;
  }
}

/** Every live descendant of `root` (children, grandchildren…), not `root` itself. */
export function descendants(root: number): ProcId[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    const s = stat(pid);
    if (!s) continue;
    children.set(s.ppid, [...(children.get(s.ppid) ?? []), pid]);
  }
  const out: ProcId[] = [];
  const queue = [...(children.get(root) ?? [])];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    const s = stat(pid);
    if (!s) continue;
    out.push({ pid, start: s.start, command: s.command });
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** True while that very process (same pid and start time) exists and is not a zombie. */
export function stillRunning(proc: ProcId): boolean {
  const s = stat(proc.pid);
  if (!s || s.start !== proc.start) return false;
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${proc.pid}/status`, "utf8"));
  } catch {
    return false;
  }
}

/** Pids of live processes whose command line matches and whose working directory is inside `root`. */
export function processesUnder(root: string, match: (cmdline: string) => boolean): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, "utf8");
      if (!match(cmd)) continue;
      const text = readFileSync(`/proc/${entry}/stat`, "utf8");
      if (text.slice(text.lastIndexOf(")") + 2)[0] === "Z") continue;
      if (readlinkSync(`/proc/${entry}/cwd`).startsWith(root)) found.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

/** Pids of live opencode processes whose working directory is inside `root` (the orphan check). */
export function opencodeProcessesUnder(root: string): number[] {
  return processesUnder(root, (cmd) => cmd.includes("opencode"));
}
