import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { commandPayload } from "./commands.js";
import { discordErrors } from "./errors.js";
import type { ApplicationRecord, UserRecord } from "./model.js";
import { userPayload } from "./payloads.js";
import { applicationFlags } from "./profiles.js";
import { actorOf, noContent, parseBody, type RestDeps } from "./rest-request.js";

// An application's own routes: its commands (global and per guild, bulk overwrite included),
// `GET/PATCH /applications/@me` and `PATCH /users/@me`.

type Params = Record<string, string>;
const p = (request: FastifyRequest): Params => request.params as Params;
const applicationPatch = z.looseObject({
  description: z.string().optional(),
  flags: z.number().int().min(0).optional(),
});
const userPatch = z.looseObject({ username: z.string().optional(), avatar: z.string().nullable().optional() });

/** The application object as `GET /applications/@me` returns it. */
export function applicationPayload(app: ApplicationRecord, bot: UserRecord): Record<string, unknown> {
  return {
    id: app.id,
    name: app.name,
    icon: null,
    description: app.description,
    summary: "",
    type: null,
    bot_public: true,
    bot_require_code_grant: false,
    verify_key: app.id.padStart(64, "0"),
    flags: applicationFlags(app),
    team: null,
    owner: { id: bot.id, username: bot.username, discriminator: bot.discriminator, avatar: null, flags: 0 },
    bot: userPayload(bot),
    approximate_guild_count: 0,
    redirect_uris: [],
    interactions_endpoint_url: null,
    tags: [],
  };
}

/** Registers the application and application-command routes (paths relative to /api/v10). */
export function registerCommandRoutes(api: FastifyInstance, deps: RestDeps): void {
  const { ctx, commands, profiles } = deps;
  const store = ctx.store;
  const self = (request: FastifyRequest) => {
    const user = store.users.get(actorOf(request));
    const app = user ? store.applicationByBot(user.id) : undefined;
    if (!user || !app) throw discordErrors.unauthorized();
    return { user, app };
  };

  const application = async (request: FastifyRequest) => {
    const { user, app } = self(request);
    return applicationPayload(app, user);
  };
  api.get("/applications/@me", application);
  api.get("/oauth2/applications/@me", application);
  api.patch("/applications/@me", async (request) => {
    const { user, app } = self(request);
    return applicationPayload(profiles.editApplication(app, parseBody(applicationPatch, request.body)), user);
  });
  api.patch("/users/@me", async (request) => {
    const { user } = self(request);
    return userPayload(profiles.editUser(user, parseBody(userPatch, request.body)));
  });

  // Global and guild scopes share the handlers; `guild_id` is absent on the global routes.
  const scope = (request: FastifyRequest) => {
    const applicationId = p(request)["application_id"] ?? "";
    const guildId = p(request)["guild_id"] ?? null;
    commands.authorize(actorOf(request), applicationId, guildId);
    return { applicationId, guildId };
  };
  const commandId = (request: FastifyRequest) => p(request)["command_id"] ?? "";
  for (const base of ["/applications/:application_id/commands", "/applications/:application_id/guilds/:guild_id/commands"]) {
    api.get(base, async (request) => {
      const { applicationId, guildId } = scope(request);
      return commands.list(applicationId, guildId).map(commandPayload);
    });
    api.post(base, async (request, reply: FastifyReply) => {
      const { applicationId, guildId } = scope(request);
      const { command, created } = commands.create(applicationId, guildId, request.body);
      return reply.code(created ? 201 : 200).send(commandPayload(command));
    });
    api.put(base, async (request) => {
      const { applicationId, guildId } = scope(request);
      return commands.overwrite(applicationId, guildId, request.body).map(commandPayload);
    });
    api.get(`${base}/:command_id`, async (request) => {
      const { applicationId, guildId } = scope(request);
      return commandPayload(commands.get(applicationId, guildId, commandId(request)));
    });
    api.patch(`${base}/:command_id`, async (request) => {
      const { applicationId, guildId } = scope(request);
      return commandPayload(commands.edit(applicationId, guildId, commandId(request), request.body));
    });
    api.delete(`${base}/:command_id`, async (request, reply) => {
      const { applicationId, guildId } = scope(request);
      commands.delete(applicationId, guildId, commandId(request));
      return noContent(reply);
    });
  }
}
