import type { FastifyInstance } from "fastify";
import { redactTokens } from "../../log/index.js";
import type { RouteOptions } from "../deps.js";

/** GET /api/health: liveness, whether the registry file is valid, and bots that could not start. */
export default async function healthRoutes(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  app.get("/api/health", { config: { public: true } }, async () => {
    const health = await deps.registry.checkHealth();
    const agents = Object.values(deps.registry.snapshot.agents);
    const failing = agents
      .filter((a) => (a.status === "ready_to_start" || a.status === "active") && a.last_error)
      .map((a) => ({ id: a.id, last_error: redactTokens(a.last_error!) }));
    return {
      status: health.ok && failing.length === 0 ? "ok" : "degraded",
      registry: health.ok ? "ok" : "invalid",
      discord: deps.discord() ? "attached" : "detached",
      agents: agents.length,
      agents_failing: failing,
      uptime_s: Math.round(process.uptime()),
    };
  });
}
