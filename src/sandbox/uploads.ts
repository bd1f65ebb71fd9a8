import type { FastifyRequest } from "fastify";
import type { z } from "zod";
import { MAX_FILE_BYTES, MAX_FILES, type UploadedFile } from "./attachments.js";
import { DiscordError, discordErrors, fieldError } from "./errors.js";
import { parseBody } from "./rest-request.js";

// Message bodies as clients send them: JSON, or multipart/form-data with `payload_json` and `files[n]`
// (what discord.js sends for `files: [...]`). The whole body is read before any limit is enforced, so the
// client gets Discord's error rather than a connection cut mid-upload.

/** The parsed body, with the uploaded files (in `files[n]` order) when there were any. */
export async function readMessageRequest<T extends object>(request: FastifyRequest, schema: z.ZodType<T>): Promise<T & { files?: UploadedFile[] }> {
  if (!request.isMultipart()) return parseBody(schema, request.body);
  const files: (UploadedFile & { index: number; tooLarge: boolean })[] = [];
  let json: unknown = {};
  let badJson = false;
  // A little over the limit, so "too large" is seen (truncated) while the rest of the body is still read.
  const parts = request.parts({ limits: { fileSize: MAX_FILE_BYTES + 1, files: 100, fields: 50 } });
  for await (const part of parts) {
    if (part.type === "file") {
      const data = await part.toBuffer();
      const index = Number(/^files\[(\d+)\]$/.exec(part.fieldname)?.[1] ?? files.length);
      files.push({ filename: part.filename, contentType: part.mimetype, data, index, tooLarge: part.file.truncated || data.length > MAX_FILE_BYTES });
    } else if (part.fieldname === "payload_json") {
      try {
        json = JSON.parse(String(part.value));
      } catch {
        badJson = true;
      }
    }
  }
  if (badJson) throw new DiscordError(400, 50109, "The request body contains invalid JSON.");
  if (files.some((f) => f.tooLarge)) throw discordErrors.entityTooLarge();
  if (files.length > MAX_FILES) throw discordErrors.invalidFormBody(fieldError(["files"], "BASE_TYPE_MAX_LENGTH", `Must be ${MAX_FILES} or fewer in length.`));
  const body = parseBody(schema, json);
  const described = new Map<number, string>();
  const listed = (json as { attachments?: unknown }).attachments;
  if (Array.isArray(listed)) {
    for (const entry of listed as { id?: unknown; description?: unknown }[]) {
      if (typeof entry.description === "string") described.set(Number(entry.id), entry.description.slice(0, 1024));
    }
  }
  files.sort((a, b) => a.index - b.index);
  return {
    ...body,
    files: files.map((f) => ({ filename: f.filename, contentType: f.contentType, data: f.data, description: described.get(f.index) ?? null })),
  };
}
