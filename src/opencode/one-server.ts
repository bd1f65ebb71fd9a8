import { realpathSync } from "node:fs";
import type { OpencodeClient } from "@opencode-ai/sdk";
import PQueue from "p-queue";
import { writeFileAtomic } from "../fs/atomic-write.js";
import type { ServerPool, Slot } from "./server-pool.js";
import type { AgentEntry } from "./server-mode.js";

/**
 * What the two one-server modes (shared, project) have in common: the one slot, replaced when
 * it failed for good, and the 0600 file mapping agent directory → tool API key, outside every
 * agent directory (the tools read it at each call), written one at a time.
 */
export class OneServer {
  readonly #keysWrite = new PQueue({ concurrency: 1 });

  constructor(
    private readonly pool: ServerPool,
    private readonly name: string,
    readonly keysFile: string,
  ) {}

  /** The running slot, or a new one (a failed one is forgotten, not stopped: it is already down). */
  slot(port: number, cwd: string, env: Record<string, string>): Slot {
    const existing = this.pool.get(this.name);
    if (existing && !existing.failed) return existing;
    if (existing) this.pool.forget(this.name);
    return this.pool.newSlot(this.name, port, cwd, env);
  }

  /** Writes the map as `entries` gives it when the write runs; writes are serialized. */
  writeKeys(entries: () => Iterable<[dir: string, key: string]>): Promise<void> {
    return this.#keysWrite.add(async () => {
      const keys: Record<string, string> = {};
      for (const [dir, key] of entries()) {
        keys[dir] = key;
        try {
          keys[realpathSync(dir)] = key;
        } catch {
          // directory not there (yet, or any more); the resolved path is enough
        }
      }
      await writeFileAtomic(this.keysFile, JSON.stringify(keys), 0o600);
    });
  }

  /** Unloads an agent's directory from the server (its config is read again on next use). */
  async unload(entry: AgentEntry): Promise<void> {
    if (entry.slot.server.running) await this.pool.dispose(entry.slot, entry.dir).catch(() => undefined);
  }

  client(entry: AgentEntry): OpencodeClient {
    return entry.slot.server.client(entry.dir);
  }

  /** Waits for the last key file write. */
  async close(): Promise<void> {
    await this.#keysWrite.onIdle();
  }
}
