import type { FastifyInstance, FastifyRequest } from "fastify";
import type { WriteActor } from "../agent-writes.js";
import type { RouteOptions } from "../deps.js";
import { parseInput } from "../validate.js";
import { idParams } from "./registry-input.js";

/** Create, update and remove through AgentWrites; for BoBB's key every one is decided from the person of the live turn. */
export default async function registryWrites(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  const scope = { config: { scope: "registry" as const } };
  const writes = deps.writes;
  const actor = (req: FastifyRequest): WriteActor => ({ identity: req.identity!, turn: req.turn });
  const id = (req: FastifyRequest) => parseInput(idParams, req.params, "params").id;

  app.post("/api/registry/agents", scope, async (req, reply) => {
    const agent = await writes.create(req.body, actor(req));
    return reply.code(201).send({ agent });
  });

  app.put("/api/registry/agents/:id", scope, async (req) => {
    return { agent: await writes.update(id(req), req.body, actor(req)) };
  });

  app.delete("/api/registry/agents/:id", scope, async (req) => writes.remove(id(req), actor(req)));
}
