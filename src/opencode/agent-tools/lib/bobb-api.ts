/**
 * Runs inside the OpenCode server (Bun), imported by the agent's tools. It reaches the BoBB
 * tool API with the agent's own key, which it finds in the server's environment: either
 * BOBB_AGENT_KEY (one server per agent) or the 0600 file named by BOBB_AGENT_KEYS_FILE
 * (a shared server), keyed by the agent's directory. The key is never part of a prompt,
 * of a tool argument or of a tool result. Each call also carries OpenCode's session id from the
 * tool context (not from the model's arguments), by which the supervisor finds the live turn
 * the call belongs to. Only node built-ins may be imported here.
 */
import { readFileSync, realpathSync } from "node:fs";
import path from "node:path";

/** The part of OpenCode's tool context the tools use. */
export interface ToolContext {
  /** The OpenCode session running this tool call. */
  sessionID: string;
  directory: string;
  abort: AbortSignal;
}

const TIMEOUT_MS = 30_000;

function keyFor(directory: string): string | undefined {
  if (process.env.BOBB_AGENT_KEY) return process.env.BOBB_AGENT_KEY;
  const file = process.env.BOBB_AGENT_KEYS_FILE;
  if (!file) return undefined;
  try {
    const keys = JSON.parse(readFileSync(file, "utf8")) as Record<string, string>;
    const resolved = path.resolve(directory);
    let real = resolved;
    try {
      real = realpathSync(resolved);
    } catch {
      // keep the resolved path
    }
    return keys[resolved] ?? keys[real];
  } catch {
    return undefined;
  }
}

/** Calls the tool API; every failure comes back as readable text for the model, never as a throw. */
export async function callApi(context: ToolContext, method: "GET" | "POST" | "PUT" | "DELETE", route: string, body?: unknown): Promise<string> {
  const base = process.env.BOBB_API_URL;
  if (!base) return "Error: the BoBB tool API is not configured for this agent.";
  const key = keyFor(context.directory);
  if (!key) return "Error: this agent has no tool API key; ask the operator to restart it.";
  try {
    const response = await fetch(new URL(route, base), {
      method,
      headers: { authorization: `Bearer ${key}`, "x-bobb-session": context.sessionID, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.any([context.abort, AbortSignal.timeout(TIMEOUT_MS)]),
    });
    const text = await response.text();
    if (response.ok) return text;
    let message = text;
    let code = "";
    try {
      const parsed = JSON.parse(text) as { error?: { code?: string; message?: string } };
      message = parsed.error?.message ?? text;
      code = parsed.error?.code ?? "";
    } catch {
      // not JSON: keep the raw text
    }
    return `Error ${response.status}${code ? ` ${code}` : ""}: ${message}`;
  } catch (error) {
    return `Error: the BoBB tool API could not be reached (${error instanceof Error ? error.message : String(error)}).`;
  }
}

/** Builds a query string from defined values. */
export function query(values: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) if (v !== undefined) params.set(k, v);
  const text = params.toString();
  return text ? `?${text}` : "";
}
