import { findDuplicateKey } from "./json-keys.js";
import { registrySchema, type Registry } from "./schema.js";

export type ParseResult = { ok: true; value: Registry } | { ok: false; error: string };

/** Parses registry text; the error names the line/column (bad JSON) or the field path (bad schema). */
export function parseRegistry(text: string): ParseResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `invalid JSON ${jsonErrorPlace(text, err as Error)}: ${(err as Error).message}` };
  }
  const duplicate = findDuplicateKey(text);
  if (duplicate) return { ok: false, error: duplicateKeyError(duplicate) };
  const result = registrySchema.safeParse(json);
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0]!;
  const where = issue.path.length > 0 ? issue.path.join(".") : "(top level)";
  return { ok: false, error: `invalid registry at ${where}: expected ${issue.message}` };
}

function duplicateKeyError(d: NonNullable<ReturnType<typeof findDuplicateKey>>): string {
  // Only a plain key is named: the message goes to logs and /api/health, never a stray secret.
  const key = /^[A-Za-z0-9_-]{1,64}$/.test(d.key) ? `"${d.key}" ` : "";
  return `invalid JSON at line ${d.line}, column ${d.column}: duplicate key ${key}in ${d.path || "(top level)"} (JSON keeps only the last one)`;
}

function jsonErrorPlace(text: string, err: Error): string {
  const lineCol = /line (\d+) column (\d+)/.exec(err.message);
  if (lineCol) return `at line ${lineCol[1]}, column ${lineCol[2]}`;
  const pos = /position (\d+)/.exec(err.message);
  const offset = pos ? Number(pos[1]) : text.length;
  const before = text.slice(0, offset).split("\n");
  return `at line ${before.length}, column ${before.at(-1)!.length + 1}`;
}

/** Serializes the registry the way it is stored: two-space JSON with a trailing newline. */
export function serializeRegistry(registry: Registry): string {
  return JSON.stringify(registry, null, 2) + "\n";
}
