import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { messageBody, webhookBody } from "./rest-schemas.js";
import { webhookPayload } from "./payloads.js";
import { actorOf, noContent, parseBody, type RestDeps } from "./rest-request.js";
import { readMessageRequest } from "./uploads.js";

// Webhook routes: incoming webhooks (id + token) and interaction webhooks (application id +
// interaction token), which share Discord's paths; plus the interaction callback. None of these
// take a bot token except the plain webhook reads and deletes by id.

type Params = Record<string, string>;
const p = (request: FastifyRequest): Params => request.params as Params;
const callbackBody = z.looseObject({ type: z.number().int(), data: z.record(z.string(), z.unknown()).nullable().optional() });

/** Registers the webhook and interaction-callback routes (paths relative to /api/v10). */
export function registerWebhookRoutes(api: FastifyInstance, deps: RestDeps): void {
  const { ctx, messages, webhooks, interactions } = deps;
  const store = ctx.store;
  const ids = (request: FastifyRequest) => ({ id: p(request)["webhook_id"] ?? "", token: p(request)["webhook_token"] ?? "" });
  const isInteraction = (request: FastifyRequest) => {
    const { id, token } = ids(request);
    return interactions.isInteractionToken(id, token);
  };
  const flag = (request: FastifyRequest, name: string) => (request.query as Record<string, string | undefined>)[name] === "true";

  api.post("/interactions/:interaction_id/:interaction_token/callback", async (request, reply) => {
    const body = parseBody(callbackBody, request.body);
    const answer = interactions.callback(p(request)["interaction_id"] ?? "", p(request)["interaction_token"] ?? "", {
      type: body.type,
      data: body.data ?? undefined,
    });
    return flag(request, "with_response") ? answer : noContent(reply);
  });

  api.get("/webhooks/:webhook_id", async (request) => {
    actorOf(request);
    return webhookPayload(store, webhooks.get(p(request)["webhook_id"] ?? ""));
  });
  api.get("/webhooks/:webhook_id/:webhook_token", async (request) => {
    const { id, token } = ids(request);
    const { token: _token, ...rest } = webhookPayload(store, webhooks.get(id, token));
    return rest;
  });
  api.delete("/webhooks/:webhook_id", async (request, reply) => {
    actorOf(request);
    webhooks.delete(p(request)["webhook_id"] ?? "");
    return noContent(reply);
  });
  api.delete("/webhooks/:webhook_id/:webhook_token", async (request, reply) => {
    const { id, token } = ids(request);
    webhooks.delete(id, token);
    return noContent(reply);
  });
  api.post("/webhooks/:webhook_id/:webhook_token", async (request, reply) => {
    const { id, token } = ids(request);
    if (isInteraction(request)) {
      const message = interactions.followUp(id, token, await readMessageRequest(request, messageBody));
      return flag(request, "wait") ? messages.payload(message) : noContent(reply);
    }
    const message = webhooks.execute(id, token, await readMessageRequest(request, webhookBody));
    return flag(request, "wait") ? messages.payload(message) : noContent(reply);
  });

  // Messages of an interaction webhook (the original response as "@original", and follow-ups).
  // Editing messages of incoming webhooks is not emulated: those answer Unknown Webhook here.
  const messageRoute = "/webhooks/:webhook_id/:webhook_token/messages/:message_id";
  const interactionIds = (request: FastifyRequest) => {
    const { id, token } = ids(request);
    if (!isInteraction(request)) webhooks.get(id, token); // 10015 / 50027 for a plain webhook, else 10015 below
    return { id, token, messageId: p(request)["message_id"] ?? "" };
  };
  api.get(messageRoute, async (request) => {
    const { id, token, messageId } = interactionIds(request);
    return messages.payload(interactions.webhookMessage(id, token, messageId));
  });
  api.patch(messageRoute, async (request) => {
    const { id, token, messageId } = interactionIds(request);
    return messages.payload(interactions.editWebhookMessage(id, token, messageId, parseBody(messageBody, request.body)));
  });
  api.delete(messageRoute, async (request, reply) => {
    const { id, token, messageId } = interactionIds(request);
    interactions.deleteWebhookMessage(id, token, messageId);
    return noContent(reply);
  });
}
