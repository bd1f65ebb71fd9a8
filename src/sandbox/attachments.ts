import type { SandboxContext } from "./events.js";
import type { AttachmentRecord } from "./model.js";

/** Discord's limits for a bot without boosts: 10 MiB per file, 10 files per message. */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
export const MAX_FILES = 10;

/** A file as a client uploaded it. */
export interface UploadedFile {
  filename: string;
  /** What the client said (often application/octet-stream); the sandbox sniffs images and guesses the rest by name. */
  contentType: string | null;
  data: Buffer;
  description?: string | null | undefined;
}

const BY_EXTENSION: Record<string, string> = {
  txt: "text/plain; charset=utf-8",
  md: "text/markdown; charset=utf-8",
  json: "application/json; charset=utf-8",
  csv: "text/csv; charset=utf-8",
  log: "text/plain; charset=utf-8",
  ts: "text/plain; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  py: "text/x-python; charset=utf-8",
  html: "text/html; charset=utf-8",
  pdf: "application/pdf",
  zip: "application/zip",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  mp4: "video/mp4",
  mp3: "audio/mpeg",
};

/** Discord's file name clean-up: anything but letters, digits, `.`, `-` and `_` becomes `_`. */
export function cleanFilename(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  const cleaned = base.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 200);
  return cleaned === "" || /^\.+$/.test(cleaned) ? "unknown" : cleaned;
}

/** Width, height and type of a PNG, GIF, JPEG or WebP image from its bytes; null for anything else. */
export function imageInfo(data: Buffer): { type: string; width: number; height: number } | null {
  if (data.length >= 24 && data.readUInt32BE(0) === 0x89504e47) return { type: "image/png", width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
  if (data.length >= 10 && data.toString("latin1", 0, 4) === "GIF8") return { type: "image/gif", width: data.readUInt16LE(6), height: data.readUInt16LE(8) };
  if (data.length >= 30 && data.toString("latin1", 0, 4) === "RIFF" && data.toString("latin1", 8, 12) === "WEBP") return webpInfo(data);
  if (data.length >= 4 && data[0] === 0xff && data[1] === 0xd8) return jpegInfo(data);
  return null;
}

function webpInfo(data: Buffer): { type: string; width: number; height: number } | null {
  const chunk = data.toString("latin1", 12, 16);
  if (chunk === "VP8X") return { type: "image/webp", width: data.readUIntLE(24, 3) + 1, height: data.readUIntLE(27, 3) + 1 };
  if (chunk === "VP8 ") return { type: "image/webp", width: data.readUInt16LE(26) & 0x3fff, height: data.readUInt16LE(28) & 0x3fff };
  if (chunk === "VP8L") {
    const bits = data.readUInt32LE(21);
    return { type: "image/webp", width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
  }
  return null;
}

function jpegInfo(data: Buffer): { type: string; width: number; height: number } | null {
  let offset = 2;
  while (offset + 9 < data.length) {
    if (data[offset] !== 0xff) return null;
    const marker = data[offset + 1] ?? 0;
    const length = data.readUInt16BE(offset + 2);
    // Start-of-frame markers (baseline, progressive, …) carry the size; DHT/DAC/JPG (c4, c8, cc) do not.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { type: "image/jpeg", height: data.readUInt16BE(offset + 5), width: data.readUInt16BE(offset + 7) };
    }
    offset += 2 + length;
  }
  return null;
}

/** Stores the files' bytes and returns the message's attachment records (ids are fresh snowflakes). */
export function storeAttachments(ctx: SandboxContext, channelId: string, files: readonly UploadedFile[]): AttachmentRecord[] {
  return files.map((file) => {
    const id = ctx.ids.next();
    const filename = cleanFilename(file.filename);
    const image = imageInfo(file.data);
    const extension = filename.includes(".") ? (filename.split(".").pop() ?? "").toLowerCase() : "";
    const given = file.contentType && file.contentType !== "application/octet-stream" ? file.contentType : null;
    ctx.store.files.set(id, { id, channelId, data: file.data.toString("base64") });
    return {
      id,
      filename,
      size: file.data.length,
      contentType: image?.type ?? BY_EXTENSION[extension] ?? given,
      width: image?.width ?? null,
      height: image?.height ?? null,
      description: file.description ?? null,
    };
  });
}
