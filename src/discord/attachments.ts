/**
 * What a message's attachments give the model: images and text files are downloaded (with a
 * size cap and a timeout) and become prompt files; everything else is named in the context
 * with the reason it was not sent, never silently dropped.
 */

import { redactTokens } from "../log/index.js";
import type { ContextAttachment } from "./context.js";

/** A file for the prompt as OpenCode takes it: a data: URL with its type and name. */
export interface PromptFile {
  mime: string;
  url: string;
  filename: string;
}

/** The part of a discord.js Attachment this module reads. */
export interface AttachmentInput {
  name: string;
  size: number;
  contentType: string | null;
  url: string;
}

export interface AttachmentLimits {
  /** Bytes a text file may have to be inlined (BOBB_ATTACHMENT_TEXT_LIMIT). */
  textBytes: number;
  /** Bytes an image may have to be sent (BOBB_ATTACHMENT_IMAGE_LIMIT). */
  imageBytes: number;
  /** How long one download may take (BOBB_ATTACHMENT_TIMEOUT). */
  timeoutMs: number;
}

export const DEFAULT_ATTACHMENT_LIMITS: AttachmentLimits = { textBytes: 100_000, imageBytes: 5_000_000, timeoutMs: 10_000 };

/** Files one message sends at most (Discord allows 10 a message). */
const FILES_MAX = 10;

/** Image types models read (Anthropic's and OpenAI's common set). */
const IMAGE_TYPES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);
const TEXT_TYPES = new Set(["application/json", "application/xml", "application/yaml", "application/x-yaml", "application/javascript", "application/toml"]);
/** Names that are text whatever the type says (Discord leaves the type out for many). */
const TEXT_NAME =
  /\.(txt|md|markdown|csv|tsv|json|jsonl|ya?ml|toml|ini|cfg|conf|log|xml|html?|css|js|mjs|cjs|ts|tsx|jsx|py|rb|go|rs|java|kt|c|h|cpp|hpp|cs|sh|sql|env\.example)$/i;
const IMAGE_NAME: Record<string, string> = { png: "image/png", jpg: "image/jpeg", jpeg: "image/jpeg", gif: "image/gif", webp: "image/webp" };

export type AttachmentKind = "image" | "text" | "other";

/** What kind of file this is, from its content type, else its name. */
export function attachmentKind(a: Pick<AttachmentInput, "name" | "contentType">): { kind: AttachmentKind; mime: string } {
  const type = (a.contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (IMAGE_TYPES.has(type)) return { kind: "image", mime: type };
  if (type.startsWith("text/") || TEXT_TYPES.has(type) || type.endsWith("+json") || type.endsWith("+xml")) return { kind: "text", mime: "text/plain" };
  if (type === "" || type === "application/octet-stream") {
    const ext = /\.([a-z0-9]+)$/i.exec(a.name)?.[1]?.toLowerCase() ?? "";
    if (IMAGE_NAME[ext]) return { kind: "image", mime: IMAGE_NAME[ext] };
    if (TEXT_NAME.test(a.name)) return { kind: "text", mime: "text/plain" };
  }
  return { kind: "other", mime: type || "application/octet-stream" };
}

/** The prompt's files and the context's list (each attachment with what became of it). */
export interface PreparedAttachments {
  files: PromptFile[];
  listed: ContextAttachment[];
}

/** Downloads what the model can take and says, for each attachment, whether it was sent and why not. */
export async function prepareAttachments(
  attachments: readonly AttachmentInput[],
  limits: AttachmentLimits = DEFAULT_ATTACHMENT_LIMITS,
  options: { signal?: AbortSignal; fetch?: typeof fetch } = {},
): Promise<PreparedAttachments> {
  const files: PromptFile[] = [];
  const listed: ContextAttachment[] = [];
  for (const a of attachments) {
    const base = { name: a.name, size: a.size, contentType: a.contentType };
    const { kind, mime } = attachmentKind(a);
    if (kind === "other") {
      listed.push({ ...base, status: "not sent: unsupported type" });
      continue;
    }
    const limit = kind === "image" ? limits.imageBytes : limits.textBytes;
    if (a.size > limit) {
      listed.push({ ...base, status: `not sent: too large (limit ${limit} bytes)` });
      continue;
    }
    if (files.length >= FILES_MAX) {
      listed.push({ ...base, status: `not sent: more than ${FILES_MAX} files` });
      continue;
    }
    const got = await download(a.url, limit, limits.timeoutMs, options);
    if (!got.ok) {
      listed.push({ ...base, status: `not sent: ${got.error}` });
      continue;
    }
    if (kind === "text" && !isText(got.bytes)) {
      listed.push({ ...base, status: "not sent: unsupported type (not UTF-8 text)" });
      continue;
    }
    // A token pasted into a text file never reaches the model either (as in the message content).
    const bytes = kind === "text" ? Buffer.from(redactTokens(got.bytes.toString("utf8"))) : got.bytes;
    files.push({ mime, filename: a.name, url: `data:${mime};base64,${bytes.toString("base64")}` });
    listed.push({ ...base, status: kind === "image" ? "sent as an image" : "sent as text" });
  }
  return { files, listed };
}

type Download = { ok: true; bytes: Buffer } | { ok: false; error: string };

/** GET with a timeout that stops reading past `limit` bytes (the listed size may be wrong). */
async function download(url: string, limit: number, timeoutMs: number, options: { signal?: AbortSignal; fetch?: typeof fetch }): Promise<Download> {
  const signals = [AbortSignal.timeout(timeoutMs), ...(options.signal ? [options.signal] : [])];
  const signal = AbortSignal.any(signals);
  try {
    const res = await (options.fetch ?? fetch)(url, { signal, redirect: "follow" });
    if (!res.ok || !res.body) return { ok: false, error: `download failed (HTTP ${res.status})` };
    const chunks: Buffer[] = [];
    let total = 0;
    const reader = res.body.getReader();
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      total += read.value.byteLength;
      if (total > limit) {
        await reader.cancel().catch(() => undefined);
        return { ok: false, error: `too large (limit ${limit} bytes)` };
      }
      chunks.push(Buffer.from(read.value));
    }
    return { ok: true, bytes: Buffer.concat(chunks) };
  } catch {
    return { ok: false, error: signal.aborted ? `download timed out after ${timeoutMs} ms` : "download failed" };
  }
}

/** Valid UTF-8 without NUL bytes: what a text file looks like. */
function isText(bytes: Buffer): boolean {
  if (bytes.includes(0)) return false;
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}
