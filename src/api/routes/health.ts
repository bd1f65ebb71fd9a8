import type { FastifyInstance } from "fastify";
import type { RouteOptions } from "../deps.js";

/** GET /api/health: liveness plus whether the registry file is valid. */
export default async function healthRoutes(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  app.get("/api/health", { config: { public: true } }, async () => {
    const health = deps.registry.health;
    return {
      status: health.ok ? "ok" : "degraded",
      registry: health.ok ? "ok" : "invalid",
      discord: deps.discord() ? "attached" : "detached",
      agents: Object.keys(deps.registry.snapshot.agents).length,
      uptime_s: Math.round(process.uptime()),
    };
  });
}
