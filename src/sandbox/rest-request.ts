import type { FastifyReply, FastifyRequest } from "fastify";
import type { z } from "zod";
import type { Accounts } from "./accounts.js";
import type { Commands } from "./commands.js";
import { discordErrors } from "./errors.js";
import type { SandboxContext } from "./events.js";
import type { FaultInjector } from "./faults.js";
import type { Interactions } from "./interactions.js";
import type { Messages } from "./messages.js";
import type { Profiles } from "./profiles.js";
import type { RateLimiter } from "./ratelimit.js";
import type { Threads } from "./threads.js";
import type { Webhooks } from "./webhooks.js";

// What the REST layer (rest.ts) and its routes (rest-routes.ts) share: their deps, who made a
// request, and Discord-shaped input parsing and replies.

/** What the REST routes need. */
export interface RestDeps {
  ctx: SandboxContext;
  accounts: Accounts;
  messages: Messages;
  threads: Threads;
  webhooks: Webhooks;
  commands: Commands;
  interactions: Interactions;
  profiles: Profiles;
  limiter: RateLimiter;
  faults: FaultInjector;
  gatewayUrl: () => string;
}

// Who made each request; a WeakMap rather than a Fastify decoration so the sandbox
// adds nothing to the FastifyRequest type the product's own API shares.
const actors = new WeakMap<FastifyRequest, string>();

/** The authenticated user (bot) of a request; routes without auth never call this. */
export function actorOf(request: FastifyRequest): string {
  const actor = actors.get(request);
  if (!actor) throw discordErrors.unauthorized();
  return actor;
}

/** Records the authenticated user (bot) of a request; the REST layer's auth hook calls it. */
export function setActor(request: FastifyRequest, userId: string): void {
  actors.set(request, userId);
}

/** Parses input with zod, turning failures into Discord's 400/50035 "Invalid Form Body" with nested field errors. */
export function parseBody<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const errors: Record<string, unknown> = {};
  for (const issue of result.error.issues) {
    let node = errors;
    for (const key of issue.path) {
      const name = String(key);
      node[name] ??= {};
      node = node[name] as Record<string, unknown>;
    }
    const list = (node["_errors"] ??= []) as unknown[];
    list.push({ code: issue.code === "too_big" ? "BASE_TYPE_MAX_LENGTH" : "BASE_TYPE_INVALID", message: issue.message });
  }
  throw discordErrors.invalidFormBody(errors);
}

/** Sends 204 No Content. */
export function noContent(reply: FastifyReply): FastifyReply {
  return reply.code(204).send();
}
