import path from "node:path";
import type { OpencodeClient } from "@opencode-ai/sdk";
import { serverEnv } from "./env.js";
import { OneServer } from "./one-server.js";
import type { AgentEntry, ModeContext, RuntimeAgent, ServerMode } from "./server-mode.js";

const SHARED = "shared";

/**
 * One `opencode serve` for all agents, each addressed by its directory; the tools find their
 * agent's key in a 0600 file mapping directory → key, outside every agent directory.
 */
export class SharedMode implements ServerMode {
  readonly #one: OneServer;

  constructor(
    private readonly ctx: ModeContext,
    keysFile: string,
  ) {
    this.#one = new OneServer(ctx.pool, SHARED, keysFile);
  }

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
    await this.#one.unload(entry);
  }

  client(entry: AgentEntry): OpencodeClient {
    return this.#one.client(entry);
  }

  close(): Promise<void> {
    return this.#one.close();
  }

  #slot() {
    const { settings } = this.ctx;
    const env = serverEnv({ dataDir: settings.dataDir, stateKey: SHARED, model: settings.model, apiUrl: settings.apiUrl, keysFile: this.#one.keysFile });
    return this.#one.slot(settings.basePort, path.resolve(settings.agentsDir), env);
  }

  /** Every registered agent's directory → its key. */
  #writeKeys(): Promise<void> {
    return this.#one.writeKeys(() => [...this.ctx.agents.values()].map((e): [string, string] => [e.dir, e.key]));
  }
}
