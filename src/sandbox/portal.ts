import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ServerResponse } from "node:http";
import { z } from "zod";
import type { SandboxControl } from "./control.js";
import { DiscordError, SandboxError } from "./errors.js";
import type { SandboxLogger } from "./events.js";
import { MAX_FILE_BYTES } from "./attachments.js";

const id = z.string().regex(/^\d{17,20}$/);
const intents = {
  message_content_intent: z.boolean().optional(),
  server_members_intent: z.boolean().optional(),
  presence_intent: z.boolean().optional(),
};
const schemas = {
  application: z.object({ name: z.string().min(1).max(64), ...intents }),
  intents: z.object({ ...intents, verified: z.boolean().optional() }),
  invite: z.object({ application_id: id }),
  user: z.object({ username: z.string().min(1).max(64) }),
  dm: z.object({ user_id: id, recipient_id: id }),
  message: z.object({
    author_id: id,
    content: z.string(),
    message_reference: z.object({ message_id: id }).optional(),
    allowed_mentions: z
      .object({
        parse: z.array(z.enum(["users", "roles", "everyone"])).optional(),
        users: z.array(z.string()).optional(),
        roles: z.array(z.string()).optional(),
        replied_user: z.boolean().optional(),
      })
      .optional(),
    attachments: z
      .array(z.object({ filename: z.string().min(1).max(200), content_type: z.string().max(200).optional(), data: z.base64() }))
      .max(10)
      .optional(),
  }),
  thread: z.object({
    author_id: id,
    name: z.string(),
    message_id: id.optional(),
    type: z.union([z.literal(11), z.literal(12)]).optional(),
    auto_archive_duration: z.number().int().optional(),
    invitable: z.boolean().optional(),
  }),
  threadEdit: z.object({
    author_id: id,
    name: z.string().optional(),
    archived: z.boolean().optional(),
    locked: z.boolean().optional(),
    auto_archive_duration: z.number().int().optional(),
  }),
  typing: z.object({ author_id: id }),
  permissions: z.object({ manage_messages: z.boolean() }),
  drop: z.object({ user_id: id }),
  dispatch: z.object({ user_id: id, t: z.string().regex(/^[A-Z_]{1,64}$/), d: z.record(z.string(), z.unknown()) }),
  restFault: z.object({
    count: z.number().int().min(1).max(1000),
    status: z.number().int().min(400).max(599).optional(),
    delay_ms: z.number().int().min(1).max(120_000).optional(),
    method: z.string().optional(),
    path: z.string().optional(),
  }),
  rateLimit: z.object({ route: z.string().min(1), limit: z.number().int().min(1).optional(), window_ms: z.number().int().min(1).optional() }),
};

function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input ?? {});
  if (!result.success) throw new SandboxError(400, "invalid_request", z.prettifyError(result.error));
  return result.data;
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);
const param = (request: FastifyRequest, name: string) => (request.params as Record<string, string>)[name] ?? "";

/** Registers the mock Developer Portal (/portal) and the test/web-chat control API (/control), loopback only. */
export function registerPortal(app: FastifyInstance, control: SandboxControl, log: SandboxLogger, streams: Set<ServerResponse>): void {
  app.addHook("onRequest", async (request, reply) => {
    // The matched route, not the raw URL: "/%70ortal/…" is routed to /portal/… and must be checked as such.
    const path = request.routeOptions.url ?? "";
    if ((path.startsWith("/portal") || path.startsWith("/control")) && !LOOPBACK.has(request.ip)) {
      return reply.code(403).send({ error: { code: "loopback_only", message: "the portal and control API answer loopback clients only" } });
    }
    return;
  });
  app.setErrorHandler((error: Error, _request, reply: FastifyReply) => {
    if (error instanceof SandboxError) return reply.code(error.status).send({ error: { code: error.code, message: error.message } });
    if (error instanceof DiscordError) return reply.code(error.status).send({ error: { code: `discord_${error.code}`, message: error.message } });
    const status = "statusCode" in error && typeof error.statusCode === "number" ? error.statusCode : 500;
    if (status >= 500) log.error({ err: error }, "sandbox control handler failed");
    return reply.code(status).send({ error: { code: status >= 500 ? "internal" : "bad_request", message: status >= 500 ? "internal error" : error.message } });
  });

  app.get("/portal/guilds", async () => control.guilds());
  app.get("/portal/applications", async () => control.applications());
  app.post("/portal/applications", async (request, reply) => {
    const { name, ...settings } = parse(schemas.application, request.body);
    return reply.code(201).send(control.createApplication(name, settings));
  });
  app.post("/portal/applications/:id/reset-token", async (request) => control.resetToken(param(request, "id")));
  app.patch("/portal/applications/:id", async (request) => control.updateApplication(param(request, "id"), parse(schemas.intents, request.body)));
  app.post("/portal/guilds/:guild_id/bots", async (request, reply) => {
    control.addBotToGuild(param(request, "guild_id"), parse(schemas.invite, request.body).application_id);
    return reply.code(204).send();
  });

  app.post("/control/users", async (request, reply) => reply.code(201).send(control.createUser(parse(schemas.user, request.body).username)));
  app.post("/control/dms", async (request) => {
    const body = parse(schemas.dm, request.body);
    return control.openDm(body.user_id, body.recipient_id);
  });
  app.get("/control/channels/:id/messages", async (request) => {
    // ?limit=N: only the newest N (the web chat shows the tail of a long channel).
    // ?user_id=U: include U's ephemeral messages ("Only you can see this").
    const query = parse(z.object({ limit: z.coerce.number().int().min(1).max(5000).optional(), user_id: id.optional() }), request.query);
    const limit = query.limit;
    const all = control.listMessages(param(request, "id"), query.user_id);
    return limit ? all.slice(-limit) : all;
  });
  // JSON with base64 files: up to 10 files of 10 MiB, base64 being 4/3 of that.
  app.post("/control/channels/:id/messages", { bodyLimit: 140 * 1024 * 1024 }, async (request, reply) => {
    const { author_id, content, attachments, ...options } = parse(schemas.message, request.body);
    const files = attachments?.map((a) => ({ filename: a.filename, contentType: a.content_type ?? null, data: Buffer.from(a.data, "base64") }));
    if (files?.some((f) => f.data.length > MAX_FILE_BYTES)) {
      throw new SandboxError(413, "file_too_large", `each file must be at most ${MAX_FILE_BYTES} bytes (Discord's 10 MiB)`);
    }
    return reply.code(201).send(control.postMessage(param(request, "id"), author_id, content, { ...options, files }));
  });
  app.delete("/control/channels/:id/messages/:message_id", async (request, reply) => {
    control.deleteMessage(param(request, "id"), param(request, "message_id"), parse(z.object({ user_id: id }), request.query).user_id);
    return reply.code(204).send();
  });
  app.get("/control/channels/:id/threads", async (request) =>
    control.threads(param(request, "id"), parse(z.object({ user_id: id.optional() }), request.query).user_id),
  );
  app.post("/control/channels/:id/threads", async (request, reply) => {
    const { author_id, ...input } = parse(schemas.thread, request.body);
    return reply.code(201).send(control.createThread(param(request, "id"), author_id, input));
  });
  app.patch("/control/channels/:id", async (request) => {
    const { author_id, ...edit } = parse(schemas.threadEdit, request.body);
    return control.editThread(param(request, "id"), author_id, edit);
  });
  app.post("/control/channels/:id/typing", async (request, reply) => {
    control.startTyping(param(request, "id"), parse(schemas.typing, request.body).author_id);
    return reply.code(204).send();
  });
  app.patch("/control/guilds/:guild_id/bots/:user_id", async (request, reply) => {
    control.setManageMessages(param(request, "guild_id"), param(request, "user_id"), parse(schemas.permissions, request.body).manage_messages);
    return reply.code(204).send();
  });
  app.post("/control/faults/drop", async (request) => ({ dropped: control.dropConnection(parse(schemas.drop, request.body).user_id) }));
  app.post("/control/faults/dispatch", async (request) => {
    const body = parse(schemas.dispatch, request.body);
    return { sessions: control.sendRawDispatch(body.user_id, body.t, body.d) };
  });
  app.post("/control/faults/reconnect", async (request) => ({ reconnecting: control.requestReconnect(parse(schemas.drop, request.body).user_id) }));
  app.post("/control/faults/rest", async (request, reply) => {
    const body = parse(schemas.restFault, request.body);
    const match = { method: body.method, path: body.path };
    if (body.delay_ms !== undefined) control.slowNextRest(body.count, body.delay_ms, match);
    if (body.status !== undefined || body.delay_ms === undefined) control.failNextRest(body.count, body.status ?? 500, match);
    return reply.code(204).send();
  });
  app.delete("/control/faults", async (_request, reply) => {
    control.clearFaults();
    return reply.code(204).send();
  });
  app.put("/control/rate-limits", async (request, reply) => {
    const body = parse(schemas.rateLimit, request.body);
    control.setRateLimit(body.route, body.limit ? { limit: body.limit, windowMs: body.window_ms ?? 1000 } : null);
    return reply.code(204).send();
  });
  app.get("/control/gateway", async () => control.gatewayStats());
  app.get("/control/events", (request, reply) => {
    // Server-sent events: one `event: <TYPE>` / `data: <json>` record per dispatch humans can see;
    // with ?user_id=U also U's ephemeral messages (marked `ephemeral: true`).
    const viewer = parse(z.object({ user_id: id.optional() }), request.query).user_id;
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    res.write(": connected\n\n");
    streams.add(res);
    const unsubscribe = control.onEvent((event) => res.write(`event: ${event.t}\ndata: ${JSON.stringify(event.d)}\n\n`), viewer);
    const ping = setInterval(() => res.write(": ping\n\n"), 15_000);
    ping.unref();
    request.raw.on("close", () => {
      unsubscribe();
      clearInterval(ping);
      streams.delete(res);
    });
  });
}
