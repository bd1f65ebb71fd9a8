import type { FastifyInstance } from "fastify";
import type { ApiDeps } from "../app.js";

/** GET /api/health: liveness plus whether the registry file is valid. */
export function healthRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get("/api/health", { config: { public: true } }, async () => {
    const health = await deps.registry.checkHealth();
    return {
      status: health.ok ? "ok" : "degraded",
      registry: health.ok ? "ok" : "invalid",
      discord: deps.discord() ? "attached" : "detached",
      agents: Object.keys(deps.registry.snapshot.agents).length,
      uptime_s: Math.round(process.uptime()),
    };
  });
}
