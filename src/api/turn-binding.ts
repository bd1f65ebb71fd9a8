import type { FastifyRequest } from "fastify";
import { ApiError } from "./errors.js";
import type { KeyIdentity } from "./keys.js";
import type { LiveTurn, TurnLookup } from "./ports.js";

/**
 * The header the agents' tools send with OpenCode's session id. The tool code sets it from
 * its own context, not from the model's arguments; the supervisor then decides which live
 * turn (if any) that session is running for this agent.
 */
export const SESSION_HEADER = "x-bobb-session";

/** The live turn of an agent's call; the operator's key needs none. Refuses a call that belongs to no live turn. */
export function bindTurn(req: FastifyRequest, identity: KeyIdentity, turns: TurnLookup): LiveTurn | undefined {
  if (identity.role === "admin") return undefined;
  const raw = req.headers[SESSION_HEADER];
  const sessionId = typeof raw === "string" ? raw.trim() : "";
  const turn = sessionId && sessionId.length <= 200 ? turns(identity.agentId, sessionId) : undefined;
  if (!turn || turn.agentId !== identity.agentId) {
    throw new ApiError(
      "NO_LIVE_TURN",
      "this call belongs to no live conversation turn of this bot: tools work only while it answers a message, and only for that message",
    );
  }
  return turn;
}
