import type { FastifyInstance } from "fastify";
import { SandboxError } from "./errors.js";
import type { Profiles } from "./profiles.js";
import type { SandboxStore } from "./store.js";

/** Serves avatars like Discord's CDN: `/avatars/:user_id/:hash.(png|webp|jpg|jpeg|gif)`, the stored image whatever the extension. */
export function registerCdn(app: FastifyInstance, profiles: Profiles, store: SandboxStore): void {
  // Attachments like cdn.discordapp.com/attachments/:channel/:attachment/:filename (the name must match too).
  app.get("/attachments/:channel_id/:attachment_id/:filename", async (request, reply) => {
    const params = request.params as { channel_id?: string; attachment_id?: string; filename?: string };
    const file = store.files.get(params.attachment_id ?? "");
    const message = file && store.messagesIn(file.channelId).find((m) => m.attachments.some((a) => a.id === file.id));
    const attachment = message?.attachments.find((a) => a.id === file?.id);
    if (!file || !attachment || file.channelId !== params.channel_id || attachment.filename !== params.filename) {
      throw new SandboxError(404, "not_found", "no such attachment");
    }
    const type = attachment.contentType ?? "application/octet-stream";
    // Only images render inline; everything else downloads, so an uploaded page never runs as the sandbox's own.
    const inline = /^image\/(png|jpeg|gif|webp)$/.test(type);
    return reply
      .type(inline ? type : type.startsWith("text/") ? "text/plain; charset=utf-8" : "application/octet-stream")
      .header("content-disposition", `${inline ? "inline" : "attachment"}; filename="${attachment.filename}"`)
      .header("x-content-type-options", "nosniff")
      .header("cache-control", "public, max-age=86400")
      .send(Buffer.from(file.data, "base64"));
  });

  app.get("/avatars/:user_id/:file", async (request, reply) => {
    const { user_id: userId = "", file = "" } = request.params as { user_id?: string; file?: string };
    const match = /^([0-9a-f]{32}|a_[0-9a-f]{32})\.(png|webp|jpg|jpeg|gif)$/.exec(file);
    const avatar = match ? profiles.avatar(userId, match[1] ?? "") : undefined;
    if (!avatar) throw new SandboxError(404, "not_found", "no such avatar");
    // The sandbox does not convert formats: the bytes are the uploaded image, typed as uploaded.
    return reply.type(avatar.type).header("cache-control", "public, max-age=86400").send(Buffer.from(avatar.data, "base64"));
  });
}
