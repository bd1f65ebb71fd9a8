import { mkdirSync } from "node:fs";
import path from "node:path";
import type { OpencodeClient } from "@opencode-ai/sdk";
import { BridgeError } from "./errors.js";
import { serverEnv } from "./env.js";
import { OneServer } from "./one-server.js";
import type { Slot } from "./server-pool.js";
import type { AgentEntry, ModeContext, RuntimeAgent, ServerMode, WriteConfig } from "./server-mode.js";

const PROJECT = "project";
/** The one directory every child bot runs in (a reserved id in the registry schema). */
export const BOTS_DIR = "_bots";

/**
 * One `opencode serve` and one project directory (`agents/_bots`) for every child bot: one
 * chat agent config, our tools and deny-by-default permissions, loaded once. Each bot's persona
 * (its AGENTS.md) travels with each prompt as the system prompt, so adding, editing or removing
 * a bot reloads nothing. The tools in `_bots` hold the project key; the tool API tells which bot
 * calls from the OpenCode session id the bridge is running for it (never from the model).
 * BoBB keeps its own directory on the same server, with its own key.
 */
export class ProjectMode implements ServerMode {
  readonly #one: OneServer;
  /** The tool check of the project directory, once per server start. */
  #warm: { slot: Slot; done: Promise<void>; failed: boolean } | undefined;

  constructor(
    private readonly ctx: ModeContext,
    keysFile: string,
  ) {
    if (!ctx.settings.projectKey) throw new BridgeError("AGENT_UNAVAILABLE", "project mode needs a project key for the bots' tools");
    this.#one = new OneServer(ctx.pool, PROJECT, keysFile);
  }

  configDir(agent: RuntimeAgent): { dir: string; configId: string } {
    const id = agent.role === "bobb" ? agent.id : BOTS_DIR;
    return { dir: path.resolve(this.ctx.settings.agentsDir, id), configId: id };
  }

  /**
   * Starts the server and loads the bots' project (config, tools) before any bot is restored:
   * a restart's first answers wait on this, not on the logins. (Priming the rest of what a first
   * prompt builds, through /config/providers, /agent and /find/file, made restarts slower under load:
   * it is more work than the prompt needs, on OpenCode's one thread.)
   */
  async prestart(writeConfig: WriteConfig): Promise<void> {
    const dir = path.resolve(this.ctx.settings.agentsDir, BOTS_DIR);
    const slot = this.#slot();
    const changed = await writeConfig(BOTS_DIR, "child", dir);
    await slot.ready;
    await this.#warmBots(slot, dir, changed);
  }

  async ensure(agent: RuntimeAgent, dir: string, apiKey: string, changed: boolean, existing: AgentEntry | undefined): Promise<void> {
    const { pool, agents, settings } = this.ctx;
    const slot = this.#slot();
    const personaFile = agent.role === "bobb" ? undefined : path.resolve(settings.agentsDir, agent.id, "AGENTS.md");
    agents.set(agent.id, { dir, key: apiKey, slot, ...(personaFile ? { personaFile } : {}) });
    slot.agents.add(agent.id);
    if (agent.role === "bobb") {
      await this.#writeKeys();
      await slot.ready;
      if (existing && (changed || existing.key !== apiKey)) await pool.dispose(slot, dir);
      await pool.warmUp(slot, dir, agent.id);
      return;
    }
    await slot.ready;
    await this.#warmBots(slot, dir, changed);
  }

  async stop(entry: AgentEntry): Promise<void> {
    // A child bot shares the project: nothing to unload (its sessions are deleted by removeAgent).
    if (entry.personaFile) return;
    await this.#one.unload(entry);
  }

  client(entry: AgentEntry): OpencodeClient {
    return this.#one.client(entry);
  }

  close(): Promise<void> {
    return this.#one.close();
  }

  /** The project directory's tool check, once per server start (or again after its config changed or the check failed). */
  async #warmBots(slot: Slot, dir: string, changed: boolean): Promise<void> {
    const loaded = this.#warm?.slot === slot;
    // A changed project config (a new OpenCode model setting) reloads the project once; a bot's own change never does.
    // Nothing to unload when the project was never loaded on this server (a first start writes the config first).
    if (changed && loaded) await this.ctx.pool.dispose(slot, dir);
    if (!loaded || changed || this.#warm!.failed) {
      const warm = { slot, done: this.ctx.pool.warmUp(slot, dir, BOTS_DIR), failed: false };
      warm.done.catch(() => (warm.failed = true));
      this.#warm = warm;
    }
    await this.#warm!.done;
  }

  #slot(): Slot {
    const { pool, settings } = this.ctx;
    const existing = pool.get(PROJECT);
    if (existing && !existing.failed) return existing;
    const cwd = path.resolve(settings.agentsDir, BOTS_DIR);
    // BoBB may come first: the server's working directory must exist before it starts.
    mkdirSync(cwd, { recursive: true });
    const env = serverEnv({ dataDir: settings.dataDir, stateKey: PROJECT, model: settings.model, apiUrl: settings.apiUrl, keysFile: this.#one.keysFile });
    const slot = this.#one.slot(settings.basePort, cwd, env);
    // The tools read the key file at each call: it exists before any prompt can run.
    const started = slot.ready;
    slot.ready = Promise.all([this.#writeKeys(), started]).then(() => undefined);
    slot.ready.catch(() => undefined);
    return slot;
  }

  /** Directory → key: BoBB's directory → BoBB's key, the project directory → the project key. */
  #writeKeys(): Promise<void> {
    const { agentsDir, projectKey } = this.ctx.settings;
    return this.#one.writeKeys(() => [
      [path.resolve(agentsDir, BOTS_DIR), projectKey!],
      ...[...this.ctx.agents.values()].filter((e) => !e.personaFile).map((e): [string, string] => [e.dir, e.key]),
    ]);
  }
}
