import path from "node:path";
import type { OpencodeClient } from "@opencode-ai/sdk";
import { serverEnv } from "./env.js";
import type { AgentEntry, ModeContext, RuntimeAgent, ServerMode } from "./server-mode.js";

/** One `opencode serve` per agent, on the agent's registry port, with the agent's key in its environment. */
export class IsolatedMode implements ServerMode {
  constructor(private readonly ctx: ModeContext) {}

  configDir(agent: RuntimeAgent): { dir: string; configId: string } {
    return { dir: path.resolve(this.ctx.settings.agentsDir, agent.id), configId: agent.id };
  }

  async ensure(agent: RuntimeAgent, dir: string, apiKey: string, changed: boolean, existing: AgentEntry | undefined): Promise<void> {
    const { pool, agents, settings } = this.ctx;
    if (existing && !changed && existing.key === apiKey && existing.slot.port === agent.port && !existing.slot.failed) return existing.slot.ready;
    if (existing) await this.ctx.stopAgent(agent.id);
    const env = serverEnv({ dataDir: settings.dataDir, stateKey: agent.id, model: settings.model, apiUrl: settings.apiUrl, agentKey: apiKey });
    const slot = pool.newSlot(agent.id, agent.port, dir, env);
    slot.agents.add(agent.id);
    agents.set(agent.id, { dir, key: apiKey, slot });
    try {
      await slot.ready;
      await pool.warmUp(slot, dir, agent.id);
    } catch (error) {
      await this.ctx.stopAgent(agent.id);
      throw error;
    }
  }

  async stop(entry: AgentEntry): Promise<void> {
    await this.ctx.pool.stopSlot(entry.slot);
  }

  client(entry: AgentEntry): OpencodeClient {
    return entry.slot.server.client();
  }

  async close(): Promise<void> {}
}
