import type { Logger } from "pino";
import type { ServerLookup } from "./bridge.js";
import type { SessionMap } from "./sessions.js";

export interface SessionExpiryOptions {
  store: SessionMap;
  servers: ServerLookup;
  /** True while the conversation has a prompt running or waiting: its session is not idle. */
  busy: (agentId: string, conversation: string) => boolean;
  /** Called with each deleted session id. */
  forget: (sessionId: string) => void;
  idleMs: number;
  now: () => number;
  logger: Logger;
}

/**
 * Deletes OpenCode sessions not used for `idleMs`: on the agent's server (through the SDK) and
 * from the store. A session of an agent that is not running stays until it runs again; the
 * next message in an expired conversation simply starts a new session. Returns how many went.
 */
export async function expireIdleSessions(o: SessionExpiryOptions): Promise<number> {
  const idle = await o.store.idleSince(o.now() - o.idleMs);
  let deleted = 0;
  for (const s of idle) {
    if (o.busy(s.agentId, s.conversation)) continue;
    const target = await o.servers.target(s.agentId).catch(() => undefined);
    if (!target) continue;
    const res = await target.client.session.delete({ path: { id: s.sessionId }, signal: AbortSignal.timeout(10_000) }).catch(() => undefined);
    const status = res?.response?.status;
    if (!status || (status >= 400 && status !== 404)) {
      o.logger.warn({ agent: s.agentId, session: s.sessionId, status }, "could not delete an idle OpenCode session; trying again later");
      continue;
    }
    await o.store.delete(s.agentId, s.conversation);
    o.forget(s.sessionId);
    deleted++;
  }
  if (deleted > 0) o.logger.info({ deleted }, "deleted idle OpenCode sessions");
  return deleted;
}
