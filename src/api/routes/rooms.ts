import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { RouteOptions } from "../deps.js";
import { CodedError } from "../../errors.js";
import { ApiError } from "../errors.js";
import type { RoomsAdmin } from "../ports.js";
import { parseInput } from "../validate.js";

const snowflake = z.string().regex(/^\d{1,20}$/, "a numeric Discord channel id");
const openBody = z.strictObject({ channel_id: snowflake });
const inviteBody = z.strictObject({
  label: z.string().trim().min(1, 'a label of 1 to 64 characters, e.g. "Alice\'s agent"').max(64, "a label of 1 to 64 characters"),
  mode: z.enum(["auto", "ask"], { error: "auto (posts at once) or ask (a person approves each post)" }).default("auto"),
  for: z
    .enum(["claude-code", "opencode", "a2a", "http", "websocket"], {
      error: "claude-code, opencode, a2a, http or websocket (the block then holds only that kind's way to connect); leave it out for every way",
    })
    .optional(),
});
const roomParams = z.object({ room_id: z.string().min(1).max(64) });
const inviteParams = roomParams.extend({ invite_id: z.string().min(1).max(64) });

/** The operator's rooms routes (operator key only): open and close rooms, create and revoke invites, list agents. */
export default async function roomRoutes(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  const scope = { config: { scope: "rooms" as const } };
  const rooms = (): RoomsAdmin => {
    const service = deps.rooms?.();
    if (!service) throw new ApiError("ROOMS_UNAVAILABLE", "the rooms listener is not running; try again shortly");
    return service;
  };

  app.post("/api/rooms", scope, async (req, reply) => {
    const { channel_id } = parseInput(openBody, req.body, "body");
    const service = rooms();
    if (!deps.channelInfo) throw new ApiError("DISCORD_UNAVAILABLE", "the Discord side is not connected yet; try again shortly");
    const channel = await deps.channelInfo(channel_id);
    if (!channel) throw new ApiError("NOT_FOUND", `BoBB cannot see a channel ${channel_id}; invite BoBB to its server and check the id`);
    const room = await service.open(channel, "operator");
    return reply.code(201).send({ room: { id: room.id, channel_id: room.channel_id, name: room.name } });
  });

  app.post("/api/rooms/:room_id/invites", scope, async (req, reply) => {
    const { room_id } = parseInput(roomParams, req.params, "params");
    const { label, mode, for: kind } = parseInput(inviteBody, req.body, "body");
    // The key, link and code are in this one answer only; the API logs no bodies.
    return reply.code(201).send(await rooms().createInvite(room_id, { label, mode, ...(kind && { for: kind }) }, "operator"));
  });

  app.get("/api/rooms/:room_id/agents", scope, async (req) => {
    const { room_id } = parseInput(roomParams, req.params, "params");
    return { agents: await rooms().agents(room_id) };
  });

  app.delete("/api/rooms/:room_id/invites/:invite_id", scope, async (req) => {
    const { room_id, invite_id } = parseInput(inviteParams, req.params, "params");
    const service = rooms();
    if (!service.room(room_id)) throw new CodedError("ROOM_NOT_FOUND", `no room ${room_id}`);
    if (!(await service.revokeInvite(room_id, invite_id))) throw new CodedError("INVITE_NOT_FOUND", `no live invite ${invite_id} in room ${room_id}`);
    return { revoked: true, invite_id };
  });

  app.delete("/api/rooms/:room_id", scope, async (req) => {
    const { room_id } = parseInput(roomParams, req.params, "params");
    await rooms().close(room_id);
    return { closed: true, room_id };
  });
}
