import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseDotenv } from "dotenv";
import { CodedError } from "../errors.js";
import { envSchema, SECRET_VARIABLES, type Env } from "./schema.js";

export type ModelSource = "anthropic" | "openai-compatible" | "demo";

/** The frozen configuration every component receives. */
export interface Config {
  readonly env: Readonly<Env>;
  readonly dataDir: string;
  readonly registryPath: string;
  readonly agentsDir: string;
  /** Which model the agents use: a real provider when configured, else the offline demo model. */
  readonly modelSource: ModelSource;
  /** Sandbox (local Discord) when no BoBB token is set. */
  readonly discordMode: "discord" | "sandbox";
}

/** A bad environment: the message names the variable and says what is expected. */
export class ConfigError extends CodedError<"CONFIG_INVALID"> {
  constructor(message: string) {
    super("CONFIG_INVALID", message);
  }
}

/** Reads `.env` (when present) under the real environment: real variables win. */
export function readEnvironment(cwd: string, env: NodeJS.ProcessEnv = process.env): Record<string, string | undefined> {
  const file = path.join(cwd, ".env");
  const fromFile = existsSync(file) ? parseDotenv(readFileSync(file)) : {};
  return { ...fromFile, ...env };
}

/** Parses and freezes the configuration; a bad value throws one line naming the variable. */
export function loadConfig(raw: Record<string, string | undefined>, cwd: string = process.cwd()): Config {
  const result = envSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const name = String(issue.path[0] ?? "environment");
    const value = raw[name];
    const shown = SECRET_VARIABLES.has(name) || value === undefined ? "" : ` (got "${value}")`;
    throw new ConfigError(`invalid ${name}${shown}: expected ${issue.message}`);
  }
  const env = result.data;
  if (!env.BOBB_API_ALLOW_REMOTE && !isLoopback(env.BOBB_API_HOST)) {
    throw new ConfigError(
      `invalid BOBB_API_HOST (got "${env.BOBB_API_HOST}"): expected a loopback address such as 127.0.0.1; set BOBB_API_ALLOW_REMOTE=true to expose the tool API on purpose`,
    );
  }
  const modelSource: ModelSource = env.BOBB_MODEL_BASE_URL ? "openai-compatible" : env.ANTHROPIC_API_KEY ? "anthropic" : "demo";
  return Object.freeze({
    env: Object.freeze(env),
    dataDir: path.resolve(cwd, env.BOBB_DATA_DIR),
    registryPath: path.resolve(cwd, env.BOBB_REGISTRY_PATH),
    agentsDir: path.resolve(cwd, env.BOBB_AGENTS_DIR),
    modelSource,
    discordMode: env.BOBB_DISCORD_TOKEN ? "discord" : "sandbox",
  });
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}
