import { readFile } from "node:fs/promises";
import path from "node:path";

/** An operator-facing failure: the message says what was wrong and what to do; `exit` is the process's exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exit = 1,
  ) {
    super(message);
    this.name = "CliError";
  }
}

/** An agent as the tool API shows it (never a token: `has_token` says whether one is set). */
export interface ApiAgent {
  id: string;
  name: string;
  persona: string;
  status: string;
  port: number;
  has_token: boolean;
  created_at?: string;
  created_by?: string;
  discord_user_id?: string | null;
  [field: string]: unknown;
}

export interface ApiTarget {
  url: string;
  key: string;
  /** Where the key came from, for error messages (never the key itself). */
  keySource: string;
}

/**
 * Where the tool API is and the operator's key: BOBB_API_URL (else http://BOBB_API_HOST:BOBB_API_PORT,
 * the supervisor's defaults 127.0.0.1:3456), and BOBB_API_KEY (else the key file the supervisor
 * writes, <BOBB_DATA_DIR>/api-key).
 */
export async function apiTarget(env: Readonly<Record<string, string | undefined>>, cwd: string): Promise<ApiTarget> {
  const host = env.BOBB_API_HOST || "127.0.0.1";
  const url = (env.BOBB_API_URL || `http://${host.includes(":") ? `[${host}]` : host}:${env.BOBB_API_PORT || "3456"}`).replace(/\/+$/, "");
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
    throw new CliError(`BOBB_API_URL must be an http:// or https:// URL such as http://127.0.0.1:3456 (got "${url}")`, 2);
  }
  if (env.BOBB_API_KEY) return { url, key: env.BOBB_API_KEY, keySource: "BOBB_API_KEY" };
  const file = path.resolve(cwd, env.BOBB_DATA_DIR || "data", "api-key");
  try {
    const key = (await readFile(file, "utf8")).trim();
    if (key) return { url, key, keySource: file };
  } catch {
    // Reported below.
  }
  throw new CliError(
    `no admin key: set BOBB_API_KEY, or run bobb where the supervisor's data dir is (it writes ${file}; set BOBB_DATA_DIR if it is elsewhere)`,
    2,
  );
}

/** One call to the tool API with the operator's key; API errors become CliErrors with the API's own message. */
export async function call<T>(target: ApiTarget, method: "GET" | "PUT", route: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${target.url}${route}`, {
      method,
      headers: { authorization: `Bearer ${target.key}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (err) {
    const c = (err as { cause?: { code?: string; message?: string; errors?: Array<{ code?: string }> } }).cause;
    const cause = c?.code ?? c?.errors?.[0]?.code ?? c?.message ?? (err as Error).message;
    throw new CliError(`the tool API at ${target.url} is not reachable (${cause}): is the supervisor running? Set BOBB_API_URL if it listens elsewhere`);
  }
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (res.ok) return parsed as T;
  const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
  if (res.status === 401 || res.status === 403) {
    throw new CliError(`the tool API refused the admin key from ${target.keySource} (${error?.message ?? `HTTP ${res.status}`})`);
  }
  throw new CliError(error?.message ? `${error.message} (${error.code ?? res.status})` : `the tool API answered HTTP ${res.status}`);
}
