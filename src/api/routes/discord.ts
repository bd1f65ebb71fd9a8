import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { RouteOptions } from "../deps.js";
import { ApiError } from "../errors.js";
import { parseInput } from "../validate.js";
import type { DiscordActions } from "../ports.js";
import type { KeyIdentity } from "../keys.js";

const snowflake = z.string().regex(/^\d{1,20}$/, "a numeric Discord id");
const sendBody = z.strictObject({
  /** Without it, the channel (thread, DM) of the turn; any other channel is refused by the Discord side. */
  channel_id: snowflake.optional(),
  content: z.string().min(1, "a message of 1 to 8000 characters").max(8000, "a message of 1 to 8000 characters"),
  reply_to: snowflake.optional(),
  mention_bots: z.array(z.string().trim().min(1).max(64), { error: "a list of bot names" }).max(10, "at most 10 bot names").optional(),
});
const membersQuery = z.object({ channel_id: snowflake.optional() });

/** Sending as oneself and listing members; both reach Discord through the attached bot manager. */
export default async function discordRoutes(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  const scope = { config: { scope: "discord" as const } };
  const discord = (): DiscordActions => {
    const actions = deps.discord();
    if (!actions) throw new ApiError("DISCORD_UNAVAILABLE", "the Discord side is not connected yet; try again shortly");
    return actions;
  };

  app.post("/api/discord/send", scope, async (req) => {
    const body = parseInput(sendBody, req.body, "body");
    if (!body.channel_id && !req.turn) throw new ApiError("VALIDATION_ERROR", 'body field "channel_id": a numeric Discord id (required with the operator key)');
    return discord().send(actingAgent(req.identity!), body, req.turn);
  });

  app.get("/api/discord/members", scope, async (req) => {
    const { channel_id } = parseInput(membersQuery, req.query, "query");
    return { members: await discord().members(actingAgent(req.identity!), channel_id) };
  });
}

/** Operators act as BoBB on the Discord side; every agent acts as itself. */
function actingAgent(identity: KeyIdentity): string {
  return identity.role === "admin" ? "bobb" : identity.agentId;
}
