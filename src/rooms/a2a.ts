import { formatSSEErrorEvent, formatSSEEvent, SSE_HEADERS } from "@a2a-js/sdk";
import { DefaultExecutionEventBusManager, DefaultRequestHandler, JsonRpcTransportHandler, ServerCallContext, validateVersion } from "@a2a-js/sdk/server";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { botCard, cardJson } from "./a2a-card.js";
import { RoomA2aExecutor, RoomAgentUser } from "./a2a-executor.js";
import { BoundedTaskStore } from "./a2a-tasks.js";
import { RoomsError } from "./errors.js";
import { bearer, parse, rateKey } from "./rest.js";
import type { Rooms } from "./service.js";
import type { RoomBot, RoomInfo } from "./types.js";

const params = z.object({ room_id: z.string().min(1).max(64), bot: z.string().min(1).max(64) });

/**
 * Each bot of a room as an A2A 1.0 agent, on the SDK's own request handler and JSON-RPC transport
 * handler (mounted here on Fastify: the SDK's Express helpers are not needed). Every request
 * authenticates its key again (REST's 401/403 before any JSON-RPC); tasks are kept in memory, per
 * agent and bot.
 */
export function a2aRoutes(app: FastifyInstance, rooms: Rooms): void {
  const executor = new RoomA2aExecutor(rooms);
  // Shared by every request, so GetTask and CancelTask find the tasks SendMessage made.
  const tasks = new BoundedTaskStore();
  const buses = new DefaultExecutionEventBusManager();
  const handlerOf = (room: RoomInfo, bot: RoomBot) => new DefaultRequestHandler(botCard(rooms.publicUrl, room, bot, rooms.limits), tasks, executor, buses);
  const limit = { config: { rateLimit: { max: 240, timeWindow: 60_000, keyGenerator: rateKey } } };

  const target = async (req: FastifyRequest): Promise<{ room: RoomInfo; bot: RoomBot }> => {
    const { room_id, bot: botId } = parse(params, req.params, "path");
    const room = rooms.room(room_id);
    if (!room) throw new RoomsError("ROOM_NOT_FOUND", `no room ${room_id}; use the card URL of your invite block`);
    const bots = await rooms.bots(room.id);
    const bot = bots.find((b) => b.id === botId);
    if (!bot) {
      const known = bots.map((b) => b.id).join(", ") || "none yet";
      throw new RoomsError("BOT_NOT_FOUND", `no bot ${botId} in room ${room.id}; its bots: ${known}`);
    }
    return { room, bot };
  };

  // The card is public, as A2A discovery expects (a bot's name and what it does); calling needs the key.
  app.get("/a2a/:room_id/:bot/.well-known/agent-card.json", limit, async (req, reply) => {
    const { room, bot } = await target(req);
    return reply.header("cache-control", "no-cache").send(cardJson(botCard(rooms.publicUrl, room, bot, rooms.limits)));
  });

  app.post("/a2a/:room_id/:bot", limit, async (req, reply) => {
    const { room_id } = parse(params, req.params, "path");
    const session = await rooms.session(bearer(req), room_id, "a2a");
    rooms.presence.touchRest(session.member.id, "a2a");
    const { room, bot } = await target(req);
    const handler = handlerOf(room, bot);
    const header = req.headers["a2a-version"];
    // Only 1.0 is spoken here: a request without the header (curl) is taken as 1.0.
    const context = new ServerCallContext({ user: new RoomAgentUser(session, bot), requestedVersion: (Array.isArray(header) ? header[0] : header) || "1.0" });
    const id = (req.body as { id?: unknown } | undefined)?.id ?? null;
    try {
      validateVersion(context.requestedVersion, await handler.getAgentCard(), "JSONRPC");
      const answer = await new JsonRpcTransportHandler(handler).handle(req.body as Record<string, unknown>, context);
      if (!(Symbol.asyncIterator in answer)) return reply.send(answer);
      await stream(reply, answer, id);
    } catch (err) {
      if (reply.sent || reply.raw.headersSent) return reply;
      return reply.send({ jsonrpc: "2.0", id, error: JsonRpcTransportHandler.mapToJSONRPCError(err) });
    }
    return reply;
  });
}

/** A streaming answer as server-sent events (the SDK's format); a client that goes away ends it. */
async function stream(reply: FastifyReply, events: AsyncGenerator<unknown, void, undefined>, id: unknown): Promise<void> {
  const iterator = events[Symbol.asyncIterator]();
  const first = await iterator.next();
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, SSE_HEADERS);
  res.once("close", () => void iterator.return?.(undefined));
  try {
    if (!first.done) res.write(formatSSEEvent(first.value));
    for (let next = await iterator.next(); !next.done && !res.writableEnded; next = await iterator.next()) res.write(formatSSEEvent(next.value));
  } catch (err) {
    if (!res.writableEnded) res.write(formatSSEErrorEvent({ jsonrpc: "2.0", id, error: JsonRpcTransportHandler.mapToJSONRPCError(err) }));
  } finally {
    if (!res.writableEnded) res.end();
  }
}
