import { jsonErrorOffset, lineAndColumn } from "./json-place.js";
import { findDuplicateKey } from "./json-keys.js";
import { registrySchema, type Registry } from "./schema.js";

export type ParseResult = { ok: true; value: Registry } | { ok: false; error: string };

/** Parses registry text; the error names the line/column (bad JSON) or the field path (bad schema). */
export function parseRegistry(text: string): ParseResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `invalid JSON at ${jsonErrorPlace(text, err as Error)}` };
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

/**
 * Line and column only, never V8's message: it can quote the text around the error ('Unexpected
 * token …, "…" is not valid JSON'), and registry.json holds tokens.
 */
function jsonErrorPlace(text: string, err: Error): string {
  const position = /in JSON at position (\d+)/.exec(err.message);
  return lineAndColumn(text, position ? Number(position[1]) : jsonErrorOffset(text));
}

/** Serializes the registry the way it is stored: two-space JSON with a trailing newline. */
export function serializeRegistry(registry: Registry): string {
  return JSON.stringify(registry, null, 2) + "\n";
}
