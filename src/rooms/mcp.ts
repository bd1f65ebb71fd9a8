import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { AgentSession } from "./access.js";
import { isoTime } from "./buffer.js";
import { RoomsError } from "./errors.js";
import { bearer, parse } from "./rest.js";
import { hashSecret } from "./secrets.js";
import type { Rooms } from "./service.js";

const mcpParams = z.object({ room_id: z.string().min(1).max(64), key: z.string().min(1).max(128).optional() });

/** The key of an MCP request: the path segment (for clients that drop headers), else the bearer header. */
function keyOf(req: FastifyRequest): string {
  const { key } = parse(mcpParams, req.params, "path");
  return key ?? bearer(req);
}

/** Per key (hashed), whichever way it came, else per address. */
function mcpRateKey(req: FastifyRequest): string {
  const { key } = (req.params ?? {}) as { key?: string };
  const header = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "");
  const k = key ?? header?.[1];
  return k ? `key:${hashSecret(k)}` : `ip:${req.ip}`;
}

/**
 * A remote MCP server per room (Streamable HTTP, stateless: every request authenticates its key
 * again, so a revoke or a wrong room is the same 401/403 as REST before any MCP is spoken). The
 * tools call the same service as REST: its auth, limits, read buffer, long poll and post path.
 */
export function mcpRoutes(app: FastifyInstance, rooms: Rooms): void {
  const limit = { config: { rateLimit: { max: 240, timeWindow: 60_000, keyGenerator: mcpRateKey } } };
  const handle = async (req: FastifyRequest, reply: FastifyReply) => {
    const { room_id } = parse(mcpParams, req.params, "path");
    const session = await rooms.session(keyOf(req), room_id, "mcp");
    rooms.presence.touchRest(session.member.id, "mcp");
    const closed = new AbortController();
    const server = roomServer(rooms, session, closed.signal);
    const transport = new StreamableHTTPServerTransport({ enableJsonResponse: true });
    reply.hijack();
    reply.raw.once("close", () => {
      closed.abort();
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req.raw, reply.raw, req.body);
  };
  // Stateless: no server-sent stream to open and no session to end.
  const noStream = async (_req: FastifyRequest, reply: FastifyReply) =>
    reply
      .code(405)
      .header("allow", "POST")
      .send({ error: { code: "METHOD_NOT_ALLOWED", message: "this MCP endpoint is stateless: POST JSON-RPC requests to it" } });
  for (const url of ["/mcp/:room_id", "/mcp/:room_id/:key"]) {
    app.post(url, limit, handle);
    app.get(url, limit, noStream);
    app.delete(url, limit, noStream);
  }
}

/** The room's rules, in every tool description, so an agent that only reads tool lists behaves. */
function rules(rooms: Rooms): string {
  const l = rooms.limits;
  return [
    "Rules: write @Name (e.g. @Chef Bot) or pass `mention` to get a bot's answer: bots answer only when mentioned.",
    `Limits: ${l.messagesPerMinute} messages a minute, ${l.messageBytes} bytes a message; bots and agents mentioning each other are stopped after ${l.botTurnCap} turns until a person speaks.`,
    'When a person says "stop", delivery pauses both ways and send_message is refused (ROOM_PAUSED) until a person speaks again.',
    "Never post keys, tokens or passwords: they are removed.",
  ].join(" ");
}

function result(value: unknown): CallToolResult {
  return { content: [{ type: "text", text: JSON.stringify(value) }] };
}

/** A refusal as an MCP tool error with REST's code and words. */
async function tool(run: () => Promise<unknown> | unknown): Promise<CallToolResult> {
  try {
    return result(await run());
  } catch (err) {
    if (!(err instanceof RoomsError)) throw err;
    const retry = err.retryAfter ? { retry_after: err.retryAfter } : {};
    return {
      isError: true,
      content: [{ type: "text", text: `${err.code}: ${err.message}` }],
      structuredContent: { error: { code: err.code, message: err.message, ...retry } },
    };
  }
}

function roomServer(rooms: Rooms, s: AgentSession, closed: AbortSignal): McpServer {
  const server = new McpServer({ name: `bobb-room-${s.room.id}`, version: "1.0.0" });
  const r = rules(rooms);
  const where = `the BoBB room "${s.room.name}" (a Discord channel where people, their bots and AI agents talk; people watch)`;
  server.registerTool(
    "room_info",
    { description: `Details of ${where}: its id, name, you (your agent id), whether it is paused and by whom, its agents. ${r}` },
    () => tool(async () => ({ ...(await rooms.roomView(s)), mode: s.invite.mode, limits: publicLimits(rooms) })),
  );
  server.registerTool(
    "list_participants",
    { description: `Who is in ${where}: the outside agents (with presence) and the people and bots who spoke recently. ${r}` },
    () =>
      tool(async () => {
        const view = (await rooms.roomView(s)) as { members: Array<{ id: string; name: string }> };
        const recent = new Map<string, { id: string; name: string; kind: string }>();
        for (const m of rooms.buffer.read(s.room.id, s.member.id, undefined, rooms.buffer.capacity).messages) {
          if (m.type === "message" && m.kind !== "agent") recent.set(m.from, { id: m.from, name: m.from_name, kind: m.kind });
        }
        return { agents: view.members, recent_speakers: [...recent.values()] };
      }),
  );
  server.registerTool(
    "read_messages",
    {
      description: `Reads new messages of ${where}. Pass the next_since of your last read as since; with wait_seconds (up to 30) it waits and returns the moment something new arrives. Each message has from_name, kind (human, bot, agent, system), content and mentions (your id when it is for you). ${r}`,
      inputSchema: {
        since: z.string().max(64).optional().describe("an ISO 8601 time: the next_since of your last read; omit for the recent history"),
        wait_seconds: z.number().min(0).max(30).optional().describe("seconds to wait for something new, 0 to 30 (default 0)"),
      },
    },
    ({ since, wait_seconds }, extra) =>
      tool(() => {
        const from = since === undefined ? undefined : isoTime(since);
        if (since !== undefined && from === undefined) {
          throw new RoomsError("VALIDATION_ERROR", "since: an ISO 8601 time such as 2025-06-15T10:00:00Z (the next_since of your last read)");
        }
        return rooms.read(s, from, 50, (wait_seconds ?? 0) * 1000, AbortSignal.any([extra.signal, closed]));
      }),
  );
  server.registerTool(
    "send_message",
    {
      description: `Posts a message into ${where} under your name. ${s.invite.mode === "ask" ? "Your posts wait for a person's approval: the answer's status is \"pending\" until a system message says delivered or rejected." : 'The answer\'s status is "delivered" once it is in the channel.'} Introduce yourself first: who you are and for whom you work. ${r}`,
      inputSchema: {
        content: z.string().describe("the message text, at most the room's byte limit"),
        mention: z.string().min(1).max(64).optional().describe("a name to mention (e.g. Chef Bot): @Name is put in front of your message"),
      },
    },
    ({ content, mention }) => tool(() => rooms.post(s, mention && !content.includes(`@${mention}`) ? `@${mention} ${content}` : content)),
  );
  return server;
}

function publicLimits(rooms: Rooms) {
  const l = rooms.limits;
  return { messages_per_minute: l.messagesPerMinute, message_bytes: l.messageBytes, bot_turn_cap: l.botTurnCap, max_wait_seconds: 30 };
}
