import type { FastifyInstance } from "fastify";
import type { WebSocket } from "ws";
import { z } from "zod";
import type { Logger } from "../log/index.js";
import type { AgentSession } from "./access.js";
import { RoomsError } from "./errors.js";
import { CLOSE, type AgentSocket } from "./presence.js";
import type { Rooms } from "./service.js";

const frame = z.discriminatedUnion("type", [
  z.object({ type: z.literal("join"), room: z.string().max(64), key: z.string().max(200), name: z.string().max(200).optional() }),
  z.object({ type: z.literal("message"), content: z.string() }),
  z.object({ type: z.literal("pong") }),
  z.object({ type: z.literal("ping") }),
  z.object({ type: z.literal("leave") }),
]);

/** The agents' WebSocket (AgentChat §5.2): join within the timeout, then messages both ways, pings every interval. */
export function wsRoutes(app: FastifyInstance, rooms: Rooms, logger: Logger): void {
  const log = logger.child({ component: "rooms-ws" });
  // Connections per IP; messages are limited per agent by the service.
  app.get("/ws", { websocket: true, config: { rateLimit: { max: 60, timeWindow: 60_000 } } }, (ws: WebSocket) => {
    let session: AgentSession | undefined;
    let missed = 0;
    let ping: NodeJS.Timeout | undefined;
    const send = (message: object) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    };
    const close = (code: number, reason: string) => {
      clearTimeout(joinTimer);
      clearInterval(ping);
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(code, reason.slice(0, 120));
      // A peer that never answers the close frame is cut off.
      setTimeout(() => ws.terminate(), 2000).unref();
    };
    const socket: AgentSocket = { send, close };
    const refuse = (err: unknown) => {
      const e = err instanceof RoomsError ? err : new RoomsError("VALIDATION_ERROR", "bad frame");
      send({ type: "error", code: e.code, message: e.message, ...(e.retryAfter ? { retry_after: e.retryAfter } : {}) });
      return e;
    };
    const joinTimer = setTimeout(() => {
      const seconds = rooms.limits.joinTimeoutMs / 1000;
      send({ type: "error", code: "JOIN_TIMEOUT", message: `send {"type":"join","room":"…","key":"…"} within ${seconds} s of connecting` });
      close(CLOSE.joinTimeout, "join timeout");
    }, rooms.limits.joinTimeoutMs);

    const join = async (room: string, key: string, name: string | undefined) => {
      try {
        session = await rooms.session(key, room, "ws", name);
      } catch (err) {
        const e = refuse(err);
        close(CLOSE.unauthorized, e.code);
        return;
      }
      clearTimeout(joinTimer);
      if (ws.readyState !== ws.OPEN) return;
      rooms.attach(session, socket);
      const members = (await rooms.agents(session.room.id)).map(({ id, name, presence, transport }) => ({ id, name, kind: "agent", presence, transport }));
      send({ type: "joined", agent_id: session.member.id, name: session.member.name, room: session.room.id, room_name: session.room.name, members });
      ping = setInterval(() => {
        if (missed >= 2) {
          send({ type: "error", code: "PING_TIMEOUT", message: 'two pings went unanswered: answer {"type":"ping"} with {"type":"pong"}' });
          close(CLOSE.pingTimeout, "ping timeout");
          return;
        }
        missed++;
        send({ type: "ping" });
      }, rooms.limits.pingIntervalMs);
    };

    ws.on("message", (data, isBinary) => {
      let parsed: z.output<typeof frame>;
      try {
        const result = frame.safeParse(isBinary ? undefined : JSON.parse(String(data)));
        if (!result.success) throw new Error();
        parsed = result.data;
      } catch {
        refuse(new RoomsError("VALIDATION_ERROR", 'a JSON frame {"type": "join" | "message" | "pong" | "leave", …}'));
        return;
      }
      if (parsed.type === "pong") missed = 0;
      else if (parsed.type === "ping") send({ type: "pong" });
      else if (parsed.type === "leave") close(1000, "left");
      else if (parsed.type === "join") {
        if (session) refuse(new RoomsError("VALIDATION_ERROR", "already joined"));
        else void join(parsed.room, parsed.key, parsed.name);
      } else if (!session) refuse(new RoomsError("UNAUTHORIZED", 'send {"type":"join","room":"…","key":"…"} first'));
      else {
        const current = session;
        rooms.presence.touch(current.member.id);
        rooms.post(current, parsed.content).then(
          (answer) => send({ ...answer, type: "post" }),
          (err: unknown) => {
            if (!(err instanceof RoomsError)) log.error({ err }, "an outside post failed");
            refuse(err);
          },
        );
      }
    });
    ws.on("close", () => {
      clearTimeout(joinTimer);
      clearInterval(ping);
      if (session) rooms.detach(session, socket);
    });
    ws.on("error", (err) => log.debug({ err: err.message }, "websocket error"));
  });
}
