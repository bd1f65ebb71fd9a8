import Fastify, { type FastifyError, type FastifyInstance } from "fastify";
import { RegistryError } from "../registry/index.js";
import { AgentWrites } from "./agent-writes.js";
import type { ApiDeps } from "./deps.js";
import { ApiError, STATUS_BY_CODE, type ApiCode } from "./errors.js";
import { clientErrorHandler, frameworkErrors } from "./framework-errors.js";
import { hasCode } from "../errors.js";
import { DiscordSideError, ROOMS_ADMIN_CODES } from "./ports.js";
import healthRoutes from "./routes/health.js";
import registryRoutes from "./routes/registry.js";
import discordRoutes from "./routes/discord.js";
import roomRoutes from "./routes/rooms.js";
import { bindTurn } from "./turn-binding.js";
import { resolveProjectCaller } from "./project-caller.js";

/** Builds the tool API: bearer auth with scoped keys, zod-validated input, one error handler. */
export function createApi(given: ApiDeps): FastifyInstance {
  const deps = { ...given, writes: given.writes ?? new AgentWrites(given) };
  const log = deps.logger.child({ component: "api" });
  const app = Fastify({ bodyLimit: deps.bodyLimit ?? 64 * 1024, logger: false, frameworkErrors, clientErrorHandler });

  app.addHook("onRequest", async (req) => {
    const config = req.routeOptions.config;
    if (config.public) return;
    const header = req.headers.authorization ?? "";
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const presented = match ? deps.keys.resolve(match[1]!) : undefined;
    const identity = presented?.role === "project" ? resolveProjectCaller(req, deps.keys, deps.sessionAgent) : presented;
    if (!identity) {
      throw new ApiError("UNAUTHORIZED", match ? "unknown API key" : "missing Authorization: Bearer <key> header");
    }
    if (config.scope === "registry" && identity.role === "child") {
      throw new ApiError("FORBIDDEN", "this key may only send messages as its own bot and list members");
    }
    if (config.scope === "rooms" && identity.role !== "admin") {
      throw new ApiError("FORBIDDEN", "only the operator key may manage rooms (people use /bobb room in Discord)");
    }
    req.identity = identity;
    const turn = bindTurn(req, identity, deps.turns);
    if (turn) req.turn = turn;
  });

  app.addHook("onResponse", async (req, reply) => {
    log.debug({ method: req.method, url: req.url, status: reply.statusCode, agent: req.identity?.agentId }, "request");
  });

  app.setNotFoundHandler((req, reply) => {
    void reply.code(STATUS_BY_CODE.NOT_FOUND).send({ error: { code: "NOT_FOUND", message: `no route ${req.method} ${req.url.split("?")[0]}` } });
  });

  app.setErrorHandler((err: FastifyError | Error, req, reply) => {
    const { status, code, message } = describeError(err);
    if (status >= 500) log.error({ err, url: req.url }, "request failed");
    else log.debug({ code, url: req.url }, message);
    void reply.code(status).send({ error: { code, message } });
  });

  // Each route plugin inherits the auth hook and the error handler above. Not awaited: avvio loads
  // plugins in order at ready()/listen()/inject(), and a failing plugin rejects those.
  void app.register(healthRoutes, { deps });
  void app.register(registryRoutes, { deps });
  void app.register(discordRoutes, { deps });
  void app.register(roomRoutes, { deps });
  return app;
}

function describeError(err: FastifyError | Error): { status: number; code: ApiCode; message: string } {
  if (err instanceof ApiError || err instanceof RegistryError || err instanceof DiscordSideError || hasCode(err, ROOMS_ADMIN_CODES)) {
    return { status: STATUS_BY_CODE[err.code], code: err.code, message: err.message };
  }
  const fastify = err as FastifyError;
  if (fastify.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
    return { status: STATUS_BY_CODE.BODY_TOO_LARGE, code: "BODY_TOO_LARGE", message: "request body is too large" };
  }
  // Fastify's own client errors (bad JSON, wrong content type) keep their 4xx status.
  if (fastify.statusCode && fastify.statusCode < 500) {
    return { status: fastify.statusCode, code: "BAD_REQUEST", message: fastify.message };
  }
  return { status: STATUS_BY_CODE.INTERNAL, code: "INTERNAL", message: "internal error; see the supervisor log" };
}
