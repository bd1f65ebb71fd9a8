import type { RegistryChange } from "./diff.js";
import type { Agent, AgentStatus } from "./schema.js";

/**
 * The one status rule for a stored token: an agent waiting for one (pending_token), or one
 * whose last start failed, becomes ready_to_start, and the last error is cleared for the
 * fresh try. A status given explicitly (the API's PUT) wins.
 */
export function withToken(agent: Agent, token: string, status?: AgentStatus): Agent {
  const retry = agent.status === "pending_token" || failedToStart(agent);
  return { ...agent, token, status: status ?? (retry ? "ready_to_start" : agent.status), ...(agent.last_error ? { last_error: null } : {}) };
}

/**
 * Why a registry change asks the activation watcher to (re)try an agent, or undefined when it
 * does not: a new token, a new status, or a cleared last error (the token sent again).
 */
export function activationReason(change: RegistryChange): string | undefined {
  if (change.type !== "changed") return undefined;
  if (change.fields.includes("token")) return "token updated";
  if (change.fields.includes("status")) return `status ${change.agent.status}`;
  if (change.fields.includes("last_error") && !change.agent.last_error) return "last error cleared";
  return undefined;
}

/** Runnable, but its last start failed. */
export function failedToStart(agent: Agent): boolean {
  return (agent.status === "ready_to_start" || agent.status === "active") && Boolean(agent.last_error);
}
