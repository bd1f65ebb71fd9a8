import type { FastifyRequest } from "fastify";
import { ApiError } from "./errors.js";
import type { KeyIdentity, KeyStore } from "./keys.js";
import { SESSION_HEADER } from "./turn-binding.js";

/** Finds the agent whose prompt runs in an OpenCode session right now (the bridge's record). */
export type SessionAgentLookup = (sessionId: string) => string | undefined;

/**
 * Project mode: every child bot's tools present the one project key, so the key says only
 * "a bot of the project". The bot is the one whose prompt the bridge is running in the session
 * the tool sent (from OpenCode's tool context, never from the model), and only while that bot
 * still holds its own child key (a stopped or removed bot acts as no one).
 */
export function resolveProjectCaller(req: FastifyRequest, keys: KeyStore, sessionAgent: SessionAgentLookup | undefined): KeyIdentity {
  const raw = req.headers[SESSION_HEADER];
  const sessionId = typeof raw === "string" ? raw.trim() : "";
  const agentId = sessionId && sessionId.length <= 200 ? sessionAgent?.(sessionId) : undefined;
  if (!agentId || agentId === "bobb" || !keys.holds(agentId, "child")) {
    throw new ApiError(
      "NO_LIVE_TURN",
      "this call belongs to no live conversation turn of this bot: tools work only while it answers a message, and only for that message",
    );
  }
  return { agentId, role: "child" };
}
