import type { FastifyInstance } from "fastify";
import { z } from "zod";
import {
  addAgent,
  agentUsingToken,
  findByName,
  nameProblem,
  personaProblem,
  allocatePort,
  pendingAgents,
  searchAgents,
  toPublicAgent,
  MAX_PERSONA_BYTES,
  AGENT_STATUSES,
  withToken,
  RegistryError,
  type Agent,
} from "../../registry/index.js";
import { TOKEN_PATTERN } from "../../log/index.js";
import type { RouteOptions } from "../deps.js";
import { ApiError } from "../errors.js";
import { parseInput } from "../validate.js";

/** A zod check from a rule that names its problem. */
const rule = (problem: (s: string) => string | undefined) => (s: string, ctx: z.RefinementCtx) => {
  const message = problem(s);
  if (message) ctx.addIssue({ code: "custom", message });
};
const name = z.string().normalize("NFC").trim().min(1, "a name of 1 to 64 characters").max(64, "a name of 1 to 64 characters").superRefine(rule(nameProblem));
const persona = z
  .string()
  .trim()
  .min(1, "a persona description")
  .refine((p) => Buffer.byteLength(p) <= MAX_PERSONA_BYTES, `a persona of at most ${MAX_PERSONA_BYTES} bytes`)
  .superRefine(rule(personaProblem));
const createBody = z.strictObject({
  name,
  persona,
  id: z.string().optional(),
  created_by: z
    .string()
    .regex(/^\d{1,20}$/, "a numeric Discord user id")
    .optional(),
});
const tokenShape = new RegExp(`^${TOKEN_PATTERN.source}$`);
const updateBody = z
  .strictObject({
    name: name.optional(),
    persona: persona.optional(),
    status: z.enum(AGENT_STATUSES, { error: `one of ${AGENT_STATUSES.join(", ")}` }).optional(),
    token: z.string().trim().regex(tokenShape, "a Discord bot token (three dot-separated parts)").optional(),
  })
  .refine((b) => Object.keys(b).length > 0, "at least one of name, persona, status, token");
const idParams = z.object({ id: z.string().min(1).max(64) });
const searchQuery = z.object({ q: z.string().trim().min(1, "a search text of 1 to 100 characters").max(100, "a search text of 1 to 100 characters") });

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

  app.post("/api/registry/agents", scope, async (req, reply) => {
    const body = parseInput(createBody, req.body, "body");
    const agent = await deps.registry.update(async (draft) => {
      const port = await allocatePort(draft, deps.reservedPorts);
      return addAgent(draft, body, port, new Date());
    });
    await deps.files.write(agent);
    return reply.code(201).send({ agent: toPublicAgent(agent) });
  });

  app.put("/api/registry/agents/:id", scope, async (req) => {
    const { id } = parseInput(idParams, req.params, "params");
    const body = parseInput(updateBody, req.body, "body");
    getAgent(id);
    const after = await deps.registry.update((draft) => {
      const current = draft.agents[id];
      if (!current) throw new ApiError("AGENT_NOT_FOUND", `no agent with id "${id}"`);
      if (body.token && agentUsingToken(draft, body.token, id)) {
        throw new ApiError("TOKEN_IN_USE", "that token already belongs to another agent");
      }
      const sameName = body.name === undefined ? undefined : findByName(draft, body.name, id);
      if (sameName) throw new RegistryError("AGENT_EXISTS", `an agent named "${sameName.name}" already exists (id "${sameName.id}")`);
      const next: Agent = body.token !== undefined ? withToken(current, body.token, body.status) : { ...current };
      if (body.name !== undefined) next.name = body.name;
      if (body.persona !== undefined) next.persona = body.persona;
      if (body.status !== undefined) next.status = body.status;
      if (next.status !== "pending_token" && !next.token) {
        throw new ApiError("VALIDATION_ERROR", `body field "status": an agent without a token can only be pending_token`);
      }
      draft.agents[id] = next;
      return next;
    });
    // The registry's change event starts, stops or restarts the agent (see activationReason).
    if (body.persona !== undefined || body.name !== undefined) await deps.files.write(after);
    return { agent: toPublicAgent(after) };
  });
}
