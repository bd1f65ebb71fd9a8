import rateLimit from "@fastify/rate-limit";
import websocket from "@fastify/websocket";
import Fastify, { type FastifyError, type FastifyInstance } from "fastify";
import type { Logger } from "../log/index.js";
import { RoomsError } from "./errors.js";
import { a2aRoutes } from "./a2a.js";
import { mcpRoutes } from "./mcp.js";
import { restRoutes } from "./rest.js";
import type { Rooms } from "./service.js";
import { wsRoutes } from "./ws.js";

/** A TLS reverse proxy on this host may say who the client is (X-Forwarded-For); nobody else may. */
const TRUSTED_PROXIES = ["127.0.0.1", "::1"];

/**
 * The rooms listener: the one surface meant for other machines (behind a TLS reverse proxy),
 * its own Fastify instance, never the loopback tool API.
 */
export async function createRoomsListener(rooms: Rooms, logger: Logger): Promise<FastifyInstance> {
  const log = logger.child({ component: "rooms-listener" });
  const app = Fastify({ bodyLimit: Math.max(16 * 1024, rooms.limits.messageBytes * 4), logger: false, trustProxy: TRUSTED_PROXIES });
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_req, ctx) =>
      new RoomsError(
        "RATE_LIMITED",
        `too many requests: at most ${ctx.max} in this time; retry in ${Math.ceil(ctx.ttl / 1000)} s`,
        Math.max(1, Math.ceil(ctx.ttl / 1000)),
      ),
  });
  await app.register(websocket, { options: { maxPayload: Math.max(16 * 1024, rooms.limits.messageBytes * 4) } });

  // Only the route's pattern is logged: a join link's URL holds its secret.
  app.addHook("onResponse", async (req, reply) => {
    log.debug({ method: req.method, route: req.routeOptions.url ?? "unknown", status: reply.statusCode }, "request");
  });
  app.setNotFoundHandler((req, reply) => {
    void reply
      .code(404)
      .send({ error: { code: "NOT_FOUND", message: `no route ${req.method} ${req.routeOptions.url ?? "here"}; see the instruction block for the API` } });
  });
  app.setErrorHandler((err: FastifyError | RoomsError, req, reply) => {
    if (err instanceof RoomsError) {
      if (err.retryAfter) void reply.header("retry-after", String(err.retryAfter));
      return reply.code(err.status).send({ error: { code: err.code, message: err.message } });
    }
    if (err.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
      return reply
        .code(413)
        .send({ error: { code: "MESSAGE_TOO_LARGE", message: `request body too large; a message may have at most ${rooms.limits.messageBytes} bytes` } });
    }
    if (err.statusCode && err.statusCode < 500) return reply.code(err.statusCode).send({ error: { code: "BAD_REQUEST", message: err.message } });
    log.error({ err, route: req.routeOptions.url }, "rooms request failed");
    return reply.code(500).send({ error: { code: "INTERNAL", message: "internal error" } });
  });

  restRoutes(app, rooms);
  mcpRoutes(app, rooms);
  a2aRoutes(app, rooms);
  wsRoutes(app, rooms, logger);
  return app;
}
