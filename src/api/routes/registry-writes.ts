import path from "node:path";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { addAgent, agentUsingToken, findByName, allocatePort, toPublicAgent, withToken, RegistryError, type Agent } from "../../registry/index.js";
import { assertMayChange } from "../authority.js";
import { ChangeLimiter } from "../change-limit.js";
import type { RouteOptions } from "../deps.js";
import { ApiError } from "../errors.js";
import { parseInput } from "../validate.js";
import { createBody, idParams, updateBody, type UpdateBody } from "./registry-input.js";

const DEFAULT_CHANGES_PER_HOUR = 5;

/** Create, update and remove; for BoBB's key every one is decided from the person of the live turn. */
export default async function registryWrites(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  const scope = { config: { scope: "registry" as const } };
  const limiter = new ChangeLimiter(deps.changesPerHour ?? DEFAULT_CHANGES_PER_HOUR);
  const target = (req: FastifyRequest): Agent => {
    const { id } = parseInput(idParams, req.params, "params");
    const agent = deps.registry.snapshot.agents[id];
    if (!agent) throw new ApiError("AGENT_NOT_FOUND", `no agent with id "${id}"`);
    assertMayChange(agent, req.identity!, req.turn, deps.discord());
    return agent;
  };

  app.post("/api/registry/agents", scope, async (req, reply) => {
    const body = parseInput(createBody, req.body, "body");
    // The creator is whoever wrote the message BoBB is answering; a created_by the model sends is ignored.
    const createdBy = req.identity!.role === "admin" ? body.created_by : req.turn?.authorId || undefined;
    const agent = await deps.registry.update(async (draft) => {
      const port = await allocatePort(draft, deps.reservedPorts);
      return addAgent(draft, { ...body, created_by: createdBy }, port, new Date());
    });
    await deps.files.write(agent);
    return reply.code(201).send({ agent: toPublicAgent(agent) });
  });

  app.put("/api/registry/agents/:id", scope, async (req) => {
    const body = parseInput(updateBody, req.body, "body");
    const agent = target(req);
    const viaBobb = req.identity!.role !== "admin";
    if (viaBobb) checkBobbUpdate(body);
    const restarts = body.name !== undefined || body.persona !== undefined || (body.status === "ready_to_start" && agent.status === "disabled");
    if (viaBobb && restarts) {
      const wait = limiter.waitFor(agent.id);
      if (wait > 0) {
        const minutes = Math.max(1, Math.ceil(wait / 60_000));
        throw new ApiError(
          "RATE_LIMITED",
          `${agent.name} was changed too often (each change restarts it); try again in ${minutes} minute${minutes === 1 ? "" : "s"}`,
        );
      }
    }
    const after = await deps.registry.update((draft) => {
      const current = draft.agents[agent.id];
      if (!current) throw new ApiError("AGENT_NOT_FOUND", `no agent with id "${agent.id}"`);
      if (body.token && agentUsingToken(draft, body.token, agent.id)) {
        throw new ApiError("TOKEN_IN_USE", "that token already belongs to another agent");
      }
      const sameName = body.name === undefined ? undefined : findByName(draft, body.name, agent.id);
      if (sameName) throw new RegistryError("AGENT_EXISTS", `an agent named "${sameName.name}" already exists (id "${sameName.id}")`);
      const next: Agent = body.token !== undefined ? withToken(current, body.token, body.status) : { ...current };
      if (body.name !== undefined) next.name = body.name;
      if (body.persona !== undefined) next.persona = body.persona;
      // Re-enabling through BoBB leaves a bot that is not disabled as it is.
      if (body.status !== undefined && !(viaBobb && body.status === "ready_to_start" && current.status !== "disabled")) next.status = body.status;
      if (next.status !== "pending_token" && !next.token) {
        throw new ApiError("VALIDATION_ERROR", `body field "status": an agent without a token can only be pending_token`);
      }
      draft.agents[agent.id] = next;
      return next;
    });
    if (viaBobb && restarts) limiter.record(agent.id);
    // The registry's change event starts, stops or restarts the agent (see activationReason).
    if (body.persona !== undefined || body.name !== undefined) await deps.files.write(after);
    return { agent: toPublicAgent(after) };
  });

  app.delete("/api/registry/agents/:id", scope, async (req) => {
    const agent = target(req);
    await deps.registry.update((draft) => {
      if (!draft.agents[agent.id]) throw new ApiError("AGENT_NOT_FOUND", `no agent with id "${agent.id}"`);
      delete draft.agents[agent.id];
    });
    limiter.forget(agent.id);
    // The registry's change event stops the bot and deletes its sessions; its folder is kept under agents/.removed/.
    const report = await deps.removals?.()?.whenRemoved(agent.id);
    const folder = report?.folder;
    return {
      removed: { id: agent.id, name: agent.name },
      folder: folder ?? null,
      sessions_deleted: report?.sessions ?? 0,
      message:
        `${agent.name} was removed: its bot is stopped, its token deleted and its conversations forgotten` +
        (folder ? `; its folder was moved to ${folder.split(path.sep).join("/")}` : "") +
        ".",
    };
  });
}

/** BoBB (its model) never handles tokens and only disables or re-enables. */
function checkBobbUpdate(body: UpdateBody): void {
  if (body.token !== undefined) throw new ApiError("FORBIDDEN", "tokens reach BoBB only by direct message or the token form, never through a tool");
  if (body.status !== undefined && body.status !== "disabled" && body.status !== "ready_to_start") {
    throw new ApiError("FORBIDDEN", 'through BoBB a bot can only be disabled ("disabled") or re-enabled ("ready_to_start")');
  }
}
