import type { FastifyError, FastifyInstance, FastifyRequest } from "fastify";
import multipart from "@fastify/multipart";
import { DiscordError, discordErrors } from "./errors.js";
import { setActor, type RestDeps } from "./rest-request.js";
import { registerRestRoutes } from "./rest-routes.js";
import { bareToken } from "./token.js";

/** Routes that need no bot token: gateway discovery and token-authenticated webhook calls. */
function isPublic(route: string): boolean {
  return route === "/gateway" || route.startsWith("/webhooks/:webhook_id/:webhook_token") || route.startsWith("/interactions/");
}

/** Registers Discord's REST API (v10 shapes) under `prefix`, with faults, auth, rate limits and Discord's error bodies. */
export async function registerRest(app: FastifyInstance, deps: RestDeps, prefix: string): Promise<void> {
  await app.register(
    async (api) => {
      // Uploads (message create with files); limits are enforced per request by the upload reader.
      await api.register(multipart, { throwFileSizeLimit: false });
      api.removeContentTypeParser("application/json");
      // discord.js may send an empty body with a JSON content type; Discord accepts that.
      api.addContentTypeParser("application/json", { parseAs: "string" }, (_req, body, done) => {
        const text = typeof body === "string" ? body : body.toString("utf8");
        if (text.trim() === "") return done(null, {});
        try {
          done(null, JSON.parse(text));
        } catch {
          done(new DiscordError(400, 50109, "The request body contains invalid JSON."), undefined);
        }
      });

      api.addHook("onRequest", async (request, reply) => {
        const route = routeOf(request, prefix);
        for (const fault of deps.faults.take(request.method, route.path)) {
          if (fault.kind === "slow") {
            await deps.faults.hold(fault.delayMs);
            // A client that gave up is gone; processing its call now would only duplicate its retry.
            if (request.raw.destroyed || request.raw.socket.destroyed) {
              deps.ctx.log.debug({ url: request.url }, "slowed call abandoned by its client; not processed");
              return reply.hijack();
            }
          } else {
            return reply.code(fault.status).send({ message: `${fault.status}: Injected fault`, code: 0 });
          }
        }
        let subject = route.params["webhook_id"] ?? route.params["interaction_id"] ?? "anonymous";
        if (!isPublic(route.template)) {
          const token = bareToken(request.headers.authorization);
          const app = token ? deps.ctx.store.applicationByToken(token) : undefined;
          if (!app) return reply.code(401).send(discordErrors.unauthorized().body());
          setActor(request, app.botUserId);
          subject = app.botUserId;
        }
        if (route.template === "/gateway") return;
        const major = route.params["channel_id"] ?? route.params["guild_id"] ?? route.params["webhook_id"] ?? "";
        const decision = deps.limiter.take(subject, `${request.method} ${route.template}`, major);
        void reply.headers(decision.headers);
        if (decision.retryAfter !== null) {
          return reply.code(429).send({ message: "You are being rate limited.", retry_after: decision.retryAfter, global: decision.global });
        }
        return;
      });

      api.setErrorHandler((error: FastifyError | DiscordError | Error, _request, reply) => {
        if (error instanceof DiscordError) return reply.code(error.status).send(error.body());
        const status = "statusCode" in error && typeof error.statusCode === "number" ? error.statusCode : 500;
        if (status < 500) return reply.code(status).send({ message: `${status}: ${error.message}`, code: 0 });
        deps.ctx.log.error({ err: error }, "sandbox REST handler failed");
        return reply.code(500).send(discordErrors.internal().body());
      });
      api.setNotFoundHandler((_request, reply) => reply.code(404).send(discordErrors.notFound().body()));

      registerRestRoutes(api, deps);
    },
    { prefix },
  );
}

/** The route template without prefix ("/channels/:channel_id/messages"), the path and the params. */
function routeOf(request: FastifyRequest, prefix: string): { template: string; path: string; params: Record<string, string> } {
  const full = request.routeOptions.url ?? request.url;
  const template = full.startsWith(prefix) ? full.slice(prefix.length) || "/" : full;
  const path = request.url.split("?")[0] ?? request.url;
  const params = (request.params ?? {}) as Record<string, string>;
  return { template, path, params };
}
