// Process-tree checks on Linux through /proc: which processes descend from a pid, and whether
// they still exist. A process is named by pid and start time, so a reused pid is not mistaken for it.
import { readdirSync, readFileSync } from "node:fs";

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
