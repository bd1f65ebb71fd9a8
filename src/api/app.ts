import Fastify, { type FastifyError, type FastifyInstance } from "fastify";
import type { Logger } from "../log/index.js";
import { RegistryError, type RegistryStore } from "../registry/index.js";
import { ApiError, STATUS_BY_CODE } from "./errors.js";
import { clientErrorHandler, frameworkErrors } from "./framework-errors.js";
import type { KeyIdentity, KeyStore } from "./keys.js";
import type { ActivationSignals, AgentFiles, DiscordActions } from "./ports.js";
import { healthRoutes } from "./routes/health.js";
import { registryRoutes } from "./routes/registry.js";
import { discordRoutes } from "./routes/discord.js";

declare module "fastify" {
  interface FastifyRequest {
    identity?: KeyIdentity;
  }
  interface FastifyContextConfig {
    public?: boolean;
    scope?: "registry" | "discord";
  }
}

export interface ApiDeps {
  registry: RegistryStore;
  keys: KeyStore;
  files: AgentFiles;
  logger: Logger;
  /** The Discord side, once attached; undefined means 503. */
  discord: () => DiscordActions | undefined;
  signals?: ActivationSignals;
  /** Ports never given to a new agent (the API's, BoBB's OpenCode port). */
  reservedPorts: ReadonlySet<number>;
  /** Largest accepted request body in bytes. */
  bodyLimit?: number;
}

/** Builds the tool API: bearer auth with scoped keys, zod-validated input, one error handler. */
export function createApi(deps: ApiDeps): FastifyInstance {
  const log = deps.logger.child({ component: "api" });
  const app = Fastify({ bodyLimit: deps.bodyLimit ?? 64 * 1024, logger: false, frameworkErrors, clientErrorHandler });

  app.addHook("onRequest", async (req) => {
    const config = req.routeOptions.config;
    if (config.public) return;
    const header = req.headers.authorization ?? "";
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const identity = match ? deps.keys.resolve(match[1]!) : undefined;
    if (!identity) {
      throw new ApiError(401, "UNAUTHORIZED", match ? "unknown API key" : "missing Authorization: Bearer <key> header");
    }
    if (config.scope === "registry" && identity.role === "child") {
      throw new ApiError(403, "FORBIDDEN", "this key may only send messages as its own bot and list members");
    }
    req.identity = identity;
  });

  app.addHook("onResponse", async (req, reply) => {
    log.debug({ method: req.method, url: req.url, status: reply.statusCode, agent: req.identity?.agentId }, "request");
  });

  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).send({ error: { code: "NOT_FOUND", message: `no route ${req.method} ${req.url.split("?")[0]}` } });
  });

  app.setErrorHandler((err: FastifyError | Error, req, reply) => {
    const { status, code, message } = describeError(err);
    if (status >= 500) log.error({ err, url: req.url }, "request failed");
    else log.debug({ code, url: req.url }, message);
    void reply.code(status).send({ error: { code, message } });
  });

  healthRoutes(app, deps);
  registryRoutes(app, deps);
  discordRoutes(app, deps);
  return app;
}

function describeError(err: FastifyError | Error): { status: number; code: string; message: string } {
  if (err instanceof ApiError) return { status: err.status, code: err.code, message: err.message };
  const code = (err as { code?: unknown }).code;
  if (err instanceof RegistryError || (typeof code === "string" && code in STATUS_BY_CODE)) {
    return { status: STATUS_BY_CODE[code as string] ?? 500, code: code as string, message: err.message };
  }
  const fastify = err as FastifyError;
  if (fastify.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
    return { status: 413, code: "BODY_TOO_LARGE", message: "request body is too large" };
  }
  if (fastify.statusCode && fastify.statusCode < 500) {
    return { status: fastify.statusCode, code: "BAD_REQUEST", message: fastify.message };
  }
  return { status: 500, code: "INTERNAL", message: "internal error; see the supervisor log" };
}
