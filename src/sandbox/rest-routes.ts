import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { discordErrors } from "./errors.js";
import { channelPayload, guildPayload, memberPayload, rolePayload, userPayload, webhookPayload } from "./payloads.js";
import { guildPermissions } from "./permissions.js";
import { actorOf, noContent, parseBody, type RestDeps } from "./rest-request.js";
import { compareIds } from "./store.js";
import { messageBody, snowflake } from "./rest-schemas.js";
import { registerCommandRoutes } from "./command-routes.js";
import { registerWebhookRoutes } from "./webhook-routes.js";
import { registerThreadRoutes } from "./thread-routes.js";
import { readMessageRequest } from "./uploads.js";

const historyQuery = z.looseObject({
  limit: z.coerce.number().int().min(1).max(100).optional(),
  before: snowflake.optional(),
  after: snowflake.optional(),
  around: snowflake.optional(),
});
const membersQuery = z.looseObject({ limit: z.coerce.number().int().min(1).max(1000).optional(), after: snowflake.optional() });

type Params = Record<string, string>;
const p = (request: FastifyRequest): Params => request.params as Params;

/** The Discord REST routes (paths relative to /api/v10). */
export function registerRestRoutes(api: FastifyInstance, deps: RestDeps): void {
  const { ctx, accounts, messages, webhooks } = deps;
  const store = ctx.store;

  const gatewayBot = () => ({
    url: deps.gatewayUrl(),
    shards: 1,
    session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
  });
  api.get("/gateway", async () => ({ url: deps.gatewayUrl() }));
  api.get("/gateway/bot", async () => gatewayBot());

  const me = (request: FastifyRequest) => {
    const user = store.users.get(actorOf(request));
    if (!user) throw discordErrors.unauthorized();
    return user;
  };
  api.get("/users/@me", async (request) => ({ ...userPayload(me(request)), verified: true, mfa_enabled: false, email: null, locale: "en-US" }));
  api.get("/users/:user_id", async (request) => {
    const user = store.users.get(p(request)["user_id"] ?? "");
    if (!user) throw discordErrors.unknownUser();
    return userPayload(user);
  });
  api.get("/users/@me/guilds", async (request) => {
    const userId = actorOf(request);
    return store.guildsOf(userId).map((g) => ({
      id: g.id,
      name: g.name,
      icon: null,
      banner: null,
      owner: g.ownerId === userId,
      permissions: guildPermissions(store, g.id, userId).toString(),
      features: [],
    }));
  });
  api.post("/users/@me/channels", async (request) => {
    const body = parseBody(z.looseObject({ recipient_id: snowflake }), request.body);
    if (!store.users.has(body.recipient_id)) throw discordErrors.unknownUser();
    const channel = accounts.openDm(actorOf(request), body.recipient_id);
    return channelPayload(store, channel, actorOf(request));
  });

  const guildFor = (request: FastifyRequest) => {
    const guild = store.guilds.get(p(request)["guild_id"] ?? "");
    if (!guild) throw discordErrors.unknownGuild();
    if (!guild.members.some((m) => m.userId === actorOf(request))) throw discordErrors.missingAccess();
    return guild;
  };
  api.get("/guilds/:guild_id", async (request) => {
    const guild = guildFor(request);
    return { ...guildPayload(guild), approximate_member_count: guild.members.length, approximate_presence_count: 0 };
  });
  api.get("/guilds/:guild_id/channels", async (request) =>
    guildFor(request).channelIds.flatMap((id) => {
      const channel = store.channels.get(id);
      return channel ? [channelPayload(store, channel)] : [];
    }),
  );
  api.get("/guilds/:guild_id/roles", async (request) => guildFor(request).roles.map(rolePayload));
  api.get("/guilds/:guild_id/members", async (request) => {
    const guild = guildFor(request);
    // Listing members is gated by the Server Members intent switch, as on Discord.
    if (!store.applicationByBot(actorOf(request))?.membersIntent) throw discordErrors.missingAccess();
    const query = parseBody(membersQuery, request.query);
    return [...guild.members]
      .sort((a, b) => compareIds(a.userId, b.userId))
      .filter((m) => !query.after || compareIds(m.userId, query.after) > 0)
      .slice(0, query.limit ?? 1)
      .map((m) => memberPayload(m, store.users.get(m.userId)));
  });
  api.get("/guilds/:guild_id/members/:user_id", async (request) => {
    const guild = guildFor(request);
    const member = guild.members.find((m) => m.userId === p(request)["user_id"]);
    if (!member) throw discordErrors.unknownMember();
    return memberPayload(member, store.users.get(member.userId));
  });

  const channelId = (request: FastifyRequest) => p(request)["channel_id"] ?? "";
  const messageId = (request: FastifyRequest) => p(request)["message_id"] ?? "";
  api.get("/channels/:channel_id", async (request) => channelPayload(store, messages.channelFor(actorOf(request), channelId(request)), actorOf(request)));
  api.get("/channels/:channel_id/messages", async (request) => {
    const query = parseBody(historyQuery, request.query);
    return messages.list(actorOf(request), channelId(request), query).map((m) => messages.payload(m, actorOf(request)));
  });
  api.post("/channels/:channel_id/messages", async (request) => {
    const message = messages.create(actorOf(request), channelId(request), await readMessageRequest(request, messageBody));
    return messages.payload(message, actorOf(request));
  });
  api.get("/channels/:channel_id/messages/:message_id", async (request) =>
    messages.payload(messages.get(actorOf(request), channelId(request), messageId(request)), actorOf(request)),
  );
  api.patch("/channels/:channel_id/messages/:message_id", async (request) => {
    const message = messages.edit(actorOf(request), channelId(request), messageId(request), parseBody(messageBody, request.body));
    return messages.payload(message, actorOf(request));
  });
  api.delete("/channels/:channel_id/messages/:message_id", async (request, reply) => {
    messages.delete(actorOf(request), channelId(request), messageId(request));
    return noContent(reply);
  });
  api.post("/channels/:channel_id/typing", async (request, reply) => {
    messages.typing(actorOf(request), channelId(request));
    return noContent(reply);
  });
  const reaction = "/channels/:channel_id/messages/:message_id/reactions/:emoji";
  api.put(`${reaction}/@me`, async (request, reply) => {
    messages.react(actorOf(request), channelId(request), messageId(request), p(request)["emoji"] ?? "", true);
    return noContent(reply);
  });
  api.delete(`${reaction}/@me`, async (request, reply) => {
    messages.react(actorOf(request), channelId(request), messageId(request), p(request)["emoji"] ?? "", false);
    return noContent(reply);
  });
  api.delete(`${reaction}/:user_id`, async (request, reply) => {
    messages.react(actorOf(request), channelId(request), messageId(request), p(request)["emoji"] ?? "", false, p(request)["user_id"] ?? "");
    return noContent(reply);
  });

  api.post("/channels/:channel_id/webhooks", async (request) => {
    const body = parseBody(z.looseObject({ name: z.string(), avatar: z.string().nullable().optional() }), request.body);
    return webhookPayload(store, webhooks.create(actorOf(request), channelId(request), body.name, body.avatar ?? null));
  });
  api.get("/channels/:channel_id/webhooks", async (request) => webhooks.list(actorOf(request), channelId(request)).map((w) => webhookPayload(store, w)));
  registerWebhookRoutes(api, deps);
  registerCommandRoutes(api, deps);
  registerThreadRoutes(api, deps);
}
