import type { FastifyInstance } from "fastify";
import { pendingAgents, searchAgents, toPublicAgent, type Agent } from "../../registry/index.js";
import type { RouteOptions } from "../deps.js";
import { ApiError } from "../errors.js";
import { parseInput } from "../validate.js";
import { idParams, searchQuery } from "./registry-input.js";
import registryWrites from "./registry-writes.js";

const list = (agents: Agent[]) => ({ agents: agents.map(toPublicAgent) });

/** The registry endpoints of the spec; no response ever carries a token. */
export default async function registryRoutes(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  const scope = { config: { scope: "registry" as const } };
  const getAgent = (id: string): Agent => {
    const agent = deps.registry.snapshot.agents[id];
    if (!agent) throw new ApiError("AGENT_NOT_FOUND", `no agent with id "${id}"`);
    return agent;
  };

  app.get("/api/registry/agents", scope, async () => list(Object.values(deps.registry.snapshot.agents)));
  app.get("/api/registry/agents/pending", scope, async () => list(pendingAgents(deps.registry.snapshot)));
  app.get("/api/registry/agents/search", scope, async (req) => {
    const { q } = parseInput(searchQuery, req.query, "query");
    return list(searchAgents(deps.registry.snapshot, q));
  });
  app.get("/api/registry/agents/:id", scope, async (req) => {
    const { id } = parseInput(idParams, req.params, "params");
    return { agent: toPublicAgent(getAgent(id)) };
  });
  await registryWrites(app, { deps });
}
