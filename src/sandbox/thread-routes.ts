import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { channelPayload } from "./payloads.js";
import { actorOf, noContent, parseBody, type RestDeps } from "./rest-request.js";
import { snowflake } from "./rest-schemas.js";
import { hasPermission, Permission } from "./permissions.js";
import { discordErrors } from "./errors.js";

const threadBody = z.looseObject({
  name: z.string(),
  auto_archive_duration: z.number().int().optional(),
  type: z.number().int().optional(),
  invitable: z.boolean().optional(),
  rate_limit_per_user: z.number().int().min(0).max(21600).nullable().optional(),
});
const threadEdit = z.looseObject({
  name: z.string().optional(),
  archived: z.boolean().optional(),
  locked: z.boolean().optional(),
  auto_archive_duration: z.number().int().optional(),
  invitable: z.boolean().optional(),
});

type Params = Record<string, string>;
const p = (request: FastifyRequest, name: string): string => (request.params as Params)[name] ?? "";

/** Threads under /channels (start, edit, delete, members) and the guild's active-thread list. */
export function registerThreadRoutes(api: FastifyInstance, deps: RestDeps): void {
  const { ctx, threads } = deps;
  const store = ctx.store;
  const view = (request: FastifyRequest, id: string) => {
    const channel = store.channels.get(id);
    if (!channel) throw discordErrors.unknownChannel();
    return channelPayload(store, channel, actorOf(request));
  };

  api.post("/channels/:channel_id/messages/:message_id/threads", async (request, reply) => {
    const body = parseBody(threadBody, request.body);
    const thread = threads.fromMessage(actorOf(request), p(request, "channel_id"), p(request, "message_id"), body);
    return reply.code(201).send(view(request, thread.id));
  });
  api.post("/channels/:channel_id/threads", async (request, reply) => {
    const body = parseBody(threadBody, request.body);
    const thread = threads.standalone(actorOf(request), p(request, "channel_id"), body);
    return reply.code(201).send(view(request, thread.id));
  });
  api.patch("/channels/:channel_id", async (request) => {
    const thread = threads.edit(actorOf(request), p(request, "channel_id"), parseBody(threadEdit, request.body));
    return view(request, thread.id);
  });
  api.delete("/channels/:channel_id", async (request) => threads.delete(actorOf(request), p(request, "channel_id")));

  const members = "/channels/:channel_id/thread-members";
  api.put(`${members}/@me`, async (request, reply) => {
    threads.join(actorOf(request), p(request, "channel_id"));
    return noContent(reply);
  });
  api.delete(`${members}/@me`, async (request, reply) => {
    threads.leave(actorOf(request), p(request, "channel_id"));
    return noContent(reply);
  });
  // discord.js sends "@me" percent-encoded ("%40me"), which reaches the parametric route decoded.
  const target = (request: FastifyRequest) => (p(request, "user_id") === "@me" ? actorOf(request) : parseBody(snowflake, p(request, "user_id")));
  api.put(`${members}/:user_id`, async (request, reply) => {
    threads.join(actorOf(request), p(request, "channel_id"), target(request));
    return noContent(reply);
  });
  api.delete(`${members}/:user_id`, async (request, reply) => {
    threads.leave(actorOf(request), p(request, "channel_id"), target(request));
    return noContent(reply);
  });
  api.get(members, async (request) => threads.members(actorOf(request), p(request, "channel_id")));
  api.get(`${members}/:user_id`, async (request) => threads.member(actorOf(request), p(request, "channel_id"), target(request)));

  api.get("/guilds/:guild_id/threads/active", async (request) => {
    const guildId = p(request, "guild_id");
    const guild = store.guilds.get(guildId);
    if (!guild) throw discordErrors.unknownGuild();
    if (!hasPermission(store, guildId, actorOf(request), Permission.ViewChannel)) throw discordErrors.missingAccess();
    const { threads: list, members: own } = threads.list(actorOf(request), (c) => c.guildId === guildId && !c.thread?.archived);
    return { threads: list, members: own };
  });
  api.get("/channels/:channel_id/threads/archived/public", async (request) => {
    const parent = deps.messages.channelFor(actorOf(request), p(request, "channel_id"));
    return threads.list(actorOf(request), (c) => c.type === 11 && c.thread?.parentId === parent.id && c.thread.archived);
  });
}
