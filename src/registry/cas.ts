import { open, type FileHandle } from "node:fs/promises";
import { writeFileAtomic } from "../fs/atomic-write.js";

/** Waits before re-reading a file that looked half-written: 10, 20, 40, 80, 160 ms (≈ 0.3 s in all). */
const SETTLE_DELAYS_MS = [10, 20, 40, 80, 160];

const isCompleteJson = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

async function readHandle(handle: FileHandle): Promise<string> {
  const { size } = await handle.stat();
  const buf = Buffer.alloc(size);
  let done = 0;
  while (done < size) {
    const { bytesRead } = await handle.read(buf, done, size - done, done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return buf.subarray(0, done).toString("utf8");
}

/** Reads until `read` gives complete JSON or the retries run out (then the last text, for the caller to report). */
async function settle(read: () => Promise<string | null>): Promise<string | null> {
  let text = await read();
  for (const delay of SETTLE_DELAYS_MS) {
    if (text === null || isCompleteJson(text)) return text;
    await new Promise((resolve) => setTimeout(resolve, delay));
    text = await read();
  }
  return text;
}

async function openIfExists(file: string): Promise<FileHandle | null> {
  try {
    return await open(file, "r");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
}

/**
 * Reads the file (null when missing). A read that is not complete JSON is retried a few
 * times with a short backoff, so an edit caught half-written is not reported as invalid.
 */
export async function readSettled(file: string): Promise<string | null> {
  return settle(async () => {
    const handle = await openIfExists(file);
    if (!handle) return null;
    try {
      return await readHandle(handle);
    } finally {
      await handle.close();
    }
  });
}

type Swap = { status: "swapped" } | { status: "changed" } | { status: "overwrote"; lost: string };

/**
 * One compare-and-swap: renames a fully written temp file over `file` only if the file still
 * holds `expected`. The replaced file stays open across the rename, so an in-place edit that
 * lands between the check and the rename is still seen there afterwards ("overwrote").
 */
async function swapOnce(file: string, expected: string | null, content: string, mode: number): Promise<Swap> {
  let handle: FileHandle | null = null;
  try {
    const renamed = await writeFileAtomic(file, content, mode, {
      beforeRename: async () => {
        handle = await openIfExists(file);
        const current = handle ? await readHandle(handle) : null;
        return current === expected;
      },
    });
    if (!renamed) return { status: "changed" };
    const replaced: FileHandle | null = handle;
    if (!replaced) return { status: "swapped" };
    const after = await settle(() => readHandle(replaced));
    return after === expected ? { status: "swapped" } : { status: "overwrote", lost: after ?? "" };
  } finally {
    await (handle as FileHandle | null)?.close();
  }
}

export type ReplaceResult = { ok: true } | { ok: false };

/**
 * Writes `content` atomically over `file` if the file still holds `expected` (null: missing).
 * `{ok:false}` means someone else changed the file: read it again and re-apply. An edit
 * caught in the rename itself is put back before returning `{ok:false}`, never lost.
 */
export async function replaceIfUnchanged(file: string, expected: string | null, content: string, mode = 0o600): Promise<ReplaceResult> {
  let swap = await swapOnce(file, expected, content, mode);
  if (swap.status === "swapped") return { ok: true };
  // Our file replaced an edit: write the edit back (itself compare-and-swapped) and let the caller re-apply.
  let ours = content;
  for (let i = 0; i < 10 && swap.status === "overwrote"; i++) {
    const lost = swap.lost;
    swap = await swapOnce(file, ours, lost, mode);
    ours = lost;
  }
  return { ok: false };
}
