import { realpathSync } from "node:fs";
import path from "node:path";
import type { OpencodeClient } from "@opencode-ai/sdk";
import { serverEnv } from "./env.js";
import PQueue from "p-queue";
import { writeFileAtomic } from "../fs/atomic-write.js";
import type { Slot } from "./server-pool.js";
import type { AgentEntry, ModeContext, RuntimeAgent, ServerMode } from "./server-mode.js";

const SHARED = "shared";

/**
 * One `opencode serve` for all agents, each addressed by its directory; the tools find their
 * agent's key in a 0600 file mapping directory → key, outside every agent directory.
 */
export class SharedMode implements ServerMode {
  /** Key file writes, one at a time. */
  readonly #keysWrite = new PQueue({ concurrency: 1 });

  constructor(
    private readonly ctx: ModeContext,
    private readonly keysFile: string,
  ) {}

  configDir(agent: RuntimeAgent): { dir: string; configId: string } {
    return { dir: path.resolve(this.ctx.settings.agentsDir, agent.id), configId: agent.id };
  }

  async ensure(agent: RuntimeAgent, dir: string, apiKey: string, changed: boolean, existing: AgentEntry | undefined): Promise<void> {
    const { pool, agents } = this.ctx;
    const slot = this.#slot();
    agents.set(agent.id, { dir, key: apiKey, slot });
    slot.agents.add(agent.id);
    await this.#writeKeys();
    await slot.ready;
    if (existing && (changed || existing.key !== apiKey)) await pool.dispose(slot, dir);
    await pool.warmUp(slot, dir, agent.id);
  }

  async stop(entry: AgentEntry): Promise<void> {
    await this.#writeKeys();
    if (entry.slot.server.running) await this.ctx.pool.dispose(entry.slot, entry.dir).catch(() => undefined);
  }

  client(entry: AgentEntry): OpencodeClient {
    return entry.slot.server.client(entry.dir);
  }

  async close(): Promise<void> {
    await this.#keysWrite.onIdle();
  }

  /** The shared server; a failed one is replaced. */
  #slot(): Slot {
    const { pool, settings } = this.ctx;
    const existing = pool.get(SHARED);
    if (existing && !existing.failed) return existing;
    if (existing) pool.forget(SHARED);
    const cwd = path.resolve(settings.agentsDir);
    const env = serverEnv({ dataDir: settings.dataDir, stateKey: SHARED, model: settings.model, apiUrl: settings.apiUrl, keysFile: this.keysFile });
    return pool.newSlot(SHARED, settings.basePort, cwd, env);
  }

  /** Writes the directory → key map; writes are serialized. */
  #writeKeys(): Promise<void> {
    return this.#keysWrite.add(() => this.#writeKeysNow());
  }

  async #writeKeysNow(): Promise<void> {
    const keys: Record<string, string> = {};
    for (const entry of this.ctx.agents.values()) {
      keys[entry.dir] = entry.key;
      try {
        keys[realpathSync(entry.dir)] = entry.key;
      } catch {
        // directory vanished; the resolved path is enough
      }
    }
    await writeFileAtomic(this.keysFile, JSON.stringify(keys), 0o600);
  }
}
