import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import type { SandboxControl } from "./control.js";
import { SandboxError } from "./errors.js";

// Control routes for slash commands, buttons and modals: what a person does in Discord's client,
// for tests, outside drivers and the web chat (loopback only and Host/Origin-guarded like all of /control).

const id = z.string().regex(/^\d{17,20}$/);
const schemas = {
  run: z.object({
    user_id: id,
    channel_id: id,
    command: z.string().min(1).max(200),
    options: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    application_id: id.optional(),
  }),
  modal: z.object({ values: z.record(z.string(), z.string().max(4000)) }),
  click: z.object({ user_id: id, custom_id: z.string().min(1).max(100) }),
};

function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input ?? {});
  if (!result.success) throw new SandboxError(400, "invalid_request", z.prettifyError(result.error));
  return result.data;
}

const param = (request: FastifyRequest, name: string) => (request.params as Record<string, string>)[name] ?? "";

/** Registers /control/guilds/:id/commands, /control/interactions… and /control/messages/:id/components. */
export function registerInteractionControl(app: FastifyInstance, control: SandboxControl): void {
  app.get("/control/guilds/:guild_id/commands", async (request) => control.guildCommands(param(request, "guild_id")));
  app.post("/control/interactions", async (request, reply) => {
    const body = parse(schemas.run, request.body);
    const invocation = { userId: body.user_id, channelId: body.channel_id, command: body.command, options: body.options, applicationId: body.application_id };
    return reply.code(201).send(control.runCommand(invocation));
  });
  app.get("/control/interactions/:id", async (request) => control.interaction(param(request, "id")));
  app.post("/control/interactions/:id/modal", async (request, reply) =>
    reply.code(201).send(control.submitModal(param(request, "id"), parse(schemas.modal, request.body).values)),
  );
  app.post("/control/messages/:message_id/components", async (request, reply) => {
    const body = parse(schemas.click, request.body);
    return reply.code(201).send(control.clickComponent(param(request, "message_id"), body.user_id, body.custom_id));
  });
}
