import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import type { AgentSession } from "./access.js";
import { isoTime } from "./buffer.js";
import { RoomsError } from "./errors.js";
import { hashSecret } from "./secrets.js";
import type { Rooms } from "./service.js";
import type { A2aBotLink } from "./types.js";

const roomParams = z.object({ room_id: z.string().min(1).max(64) });
const messageParams = roomParams.extend({ message_id: z.string().min(1).max(64) });
const tokenParams = z.object({ token: z.string().min(1).max(128) });
const name = z.string().max(200, "a name of 2 to 32 characters").optional();
const postBody = z.object({ content: z.string({ error: 'a string, e.g. {"content": "Hello"}' }), name });
const nameBody = z.object({ name }).optional();
const codeBody = z.object({ code: z.string({ error: 'the 6-character join code, e.g. {"code": "ABC234"}' }).min(1).max(32), name });
const readQuery = z.object({
  since: z
    .string()
    .optional()
    .refine((v) => v === undefined || isoTime(v) !== undefined, "an ISO 8601 time such as 2025-06-15T10:00:00Z (the next_since of your last read)"),
  limit: z.coerce
    .number({ error: "a whole number from 1 to 100" })
    .int("a whole number from 1 to 100")
    .min(1, "at least 1")
    .max(100, "at most 100")
    .default(50),
  wait: z.coerce.number({ error: "seconds from 0 to 30" }).min(0, "at least 0").max(30, "at most 30 seconds").default(0),
});

/** Parses input; a failure is a 400 naming the field and what is expected. */
export function parse<S extends z.ZodType>(schema: S, input: unknown, where: string): z.output<S> {
  const result = schema.safeParse(input ?? undefined);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.length > 0 ? issue.path.join(".") : where;
  throw new RoomsError("VALIDATION_ERROR", `${where} field "${field}": ${issue.message}`);
}

/** The bearer key of a request, or a 401 saying how to send it. */
export function bearer(req: FastifyRequest): string {
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "");
  if (!match) throw new RoomsError("UNAUTHORIZED", "missing Authorization: Bearer <your key> header (the ak_… key of your invite block)");
  return match[1]!;
}

/** Per key (hashed) for the agents' routes, so one agent's polls never slow another's. */
export function rateKey(req: FastifyRequest): string {
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "");
  return match ? `key:${hashSecret(match[1]!)}` : `ip:${req.ip}`;
}

/** The agents' REST API (AgentChat §5.1), plus the join link and the join code exchange (BotJoin, magi-exchange). */
export function restRoutes(app: FastifyInstance, rooms: Rooms): void {
  const session = async (req: FastifyRequest, claimName?: string): Promise<AgentSession> => {
    const { room_id } = parse(roomParams, req.params, "path");
    const s = await rooms.session(bearer(req), room_id, "rest", claimName);
    rooms.presence.touchRest(s.member.id);
    return s;
  };
  const poll = { config: { rateLimit: { max: 1, timeWindow: rooms.limits.pollIntervalMs, keyGenerator: rateKey } } };
  // Join links and codes are guessed per IP at most this fast; other calls per key.
  const joins = { config: { rateLimit: { max: 10, timeWindow: 60_000 } } };
  const calls = { config: { rateLimit: { max: 60, timeWindow: 60_000, keyGenerator: rateKey } } };

  app.post("/api/rooms/:room_id/messages", async (req, reply) => {
    const body = parse(postBody, req.body, "body");
    const answer = await rooms.post(await session(req, body.name), body.content);
    // 201 delivered, 202 waiting for a person's approval, 200 rejected: the body's status says which.
    return reply.code(answer.status === "delivered" ? 201 : answer.status === "pending" ? 202 : 200).send(answer);
  });

  app.get("/api/rooms/:room_id/messages", poll, async (req, reply) => {
    const query = parse(readQuery, req.query, "query");
    const s = await session(req);
    const aborted = new AbortController();
    reply.raw.once("close", () => aborted.abort());
    return rooms.read(s, query.since && isoTime(query.since), query.limit, query.wait * 1000, aborted.signal);
  });

  app.get("/api/rooms/:room_id/messages/:message_id", calls, async (req) => {
    const { message_id } = parse(messageParams, req.params, "path");
    return rooms.postStatus(await session(req), message_id);
  });

  app.get("/api/rooms/:room_id", calls, async (req) => rooms.roomView(await session(req)));

  app.post("/api/rooms/:room_id/heartbeat", calls, async (req) => {
    const body = parse(nameBody, req.body, "body");
    const s = await session(req, body?.name);
    return { ok: true, agent_id: s.member.id, name: s.member.name, presence: rooms.presence.view(s.member.id, s.member).presence };
  });

  // The join link: its page is the block without a key; POST claims it and answers the key once.
  app.get("/join/:token", joins, async (req, reply) => {
    const { token } = parse(tokenParams, req.params, "path");
    const { room, invite } = await rooms.access.linkInvite(token);
    const block = rooms.block(room, invite.mode, { claimUrl: `${rooms.publicUrl}/join/${token}` }, undefined, await rooms.a2aLinks(room.id));
    return reply.type("text/markdown; charset=utf-8").send(block);
  });

  app.post("/join/:token", joins, async (req, reply) => {
    const { token } = parse(tokenParams, req.params, "path");
    const body = parse(nameBody, req.body, "body");
    const { key, session: s } = await rooms.access.claimByLink(token, body?.name, "rest");
    return reply.code(201).send(claimed(rooms, s, key, await rooms.a2aLinks(s.room.id)));
  });

  app.post("/api/join", joins, async (req, reply) => {
    const body = parse(codeBody, req.body, "body");
    const { key, session: s } = await rooms.access.claimByCode(body.code, body.name, "rest");
    return reply.code(201).send(claimed(rooms, s, key, await rooms.a2aLinks(s.room.id)));
  });
}

/** The one answer that holds a key minted by a link or code claim. */
function claimed(rooms: Rooms, s: AgentSession, key: string, a2a: A2aBotLink[]) {
  return {
    key,
    room: { id: s.room.id, name: s.room.name },
    agent: { id: s.member.id, name: s.member.name },
    block: rooms.block(s.room, s.invite.mode, { key }, undefined, a2a),
    transports: rooms.transports(s.room, key, a2a),
  };
}
