import type { FastifyInstance } from "fastify";
import { SandboxError } from "./errors.js";
import type { Profiles } from "./profiles.js";

/** Serves avatars like Discord's CDN: `/avatars/:user_id/:hash.(png|webp|jpg|jpeg|gif)`, the stored image whatever the extension. */
export function registerCdn(app: FastifyInstance, profiles: Profiles): void {
  app.get("/avatars/:user_id/:file", async (request, reply) => {
    const { user_id: userId = "", file = "" } = request.params as { user_id?: string; file?: string };
    const match = /^([0-9a-f]{32}|a_[0-9a-f]{32})\.(png|webp|jpg|jpeg|gif)$/.exec(file);
    const avatar = match ? profiles.avatar(userId, match[1] ?? "") : undefined;
    if (!avatar) throw new SandboxError(404, "not_found", "no such avatar");
    // The sandbox does not convert formats: the bytes are the uploaded image, typed as uploaded.
    return reply.type(avatar.type).header("cache-control", "public, max-age=86400").send(Buffer.from(avatar.data, "base64"));
  });
}
