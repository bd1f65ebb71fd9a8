import { randomBytes } from "node:crypto";
import { mkdir, open, rename, rm } from "node:fs/promises";
import path from "node:path";

/**
 * Writes a file atomically: a temp file in the same directory with the given mode, fsync,
 * rename over the target, then fsync of the directory so the rename itself survives a crash.
 * Readers see the old content or the new one, never half a file.
 *
 * Shared infrastructure: imports nothing of the product, so the registry, the agent config
 * writer and the sandbox store may all use it (ARCHITECTURE.md section 4).
 */
export interface AtomicWriteOptions {
  /**
   * Runs once the temp file is complete, just before the rename; false leaves the target
   * untouched and the call returns false (a compare-and-swap checks the target here).
   */
  beforeRename?: () => Promise<boolean>;
}

/** Returns true when the target was replaced (always, unless `beforeRename` said no). */
export async function writeFileAtomic(file: string, content: string, mode: number, options: AtomicWriteOptions = {}): Promise<boolean> {
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    const handle = await open(tmp, "w", mode);
    try {
      await handle.writeFile(content, "utf8");
      // open()'s mode is filtered by the umask; the caller's mode is what the file must have.
      await handle.chmod(mode);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (options.beforeRename && !(await options.beforeRename())) {
      await rm(tmp, { force: true });
      return false;
    }
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  await syncDir(dir);
  return true;
}

/** fsync of a directory; not supported everywhere (Windows), where the rename is as durable as it gets. */
async function syncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, "r");
    await handle.sync();
  } catch {
    // best effort
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
