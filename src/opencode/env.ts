import { homedir } from "node:os";
import path from "node:path";
import { seedConfigDir } from "./agent-config.js";
import { writeIfChanged } from "./files.js";
import { modelEnv, type ModelSettings } from "./model.js";

/** Variables of ours an OpenCode server may inherit; everything else (Discord token, admin key…) stays out. */
const INHERITED = [
  "PATH",
  "LANG",
  "LC_ALL",
  "TZ",
  "TMPDIR",
  "TEMP",
  "TMP",
  "SYSTEMROOT",
  "http_proxy",
  "https_proxy",
  "no_proxy",
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "NO_PROXY",
];

/** Switches that keep a server light and offline: no updates, no downloads, nothing from the user's own setup. */
const QUIET_FLAGS = {
  OPENCODE_DISABLE_AUTOUPDATE: "1",
  OPENCODE_DISABLE_LSP_DOWNLOAD: "1",
  OPENCODE_DISABLE_DEFAULT_PLUGINS: "1",
  OPENCODE_DISABLE_CLAUDE_CODE: "1",
  OPENCODE_DISABLE_CLAUDE_CODE_PROMPT: "1",
  OPENCODE_DISABLE_CLAUDE_CODE_SKILLS: "1",
  OPENCODE_DISABLE_EXTERNAL_SKILLS: "1",
  OPENCODE_DISABLE_SHARE: "1",
  OPENCODE_EXPERIMENTAL_DISABLE_FILEWATCHER: "1",
};

export interface ServerEnvInput {
  dataDir: string;
  /** Separates the OpenCode database of each server: the agent id, or "shared". */
  stateKey: string;
  model: ModelSettings;
  apiUrl: string;
  /** Isolated mode: the agent's own tool API key. */
  agentKey?: string;
  /** Shared mode: the 0600 file mapping agent directory → key. */
  keysFile?: string;
}

/** Where BoBB keeps OpenCode's own files under the data dir. */
export function opencodeHome(dataDir: string): string {
  return path.join(dataDir, "opencode");
}

/**
 * The complete environment of one server. HOME and XDG_CONFIG_HOME point into the data
 * dir, so a developer's own ~/.config/opencode, ~/.opencode tools, plugins or AGENTS.md
 * never reach a bot; the cache stays shared (models list, ripgrep).
 */
export function serverEnv(input: ServerEnvInput): Record<string, string> {
  const home = opencodeHome(input.dataDir);
  const env: Record<string, string> = {};
  for (const name of INHERITED) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  Object.assign(env, QUIET_FLAGS, {
    HOME: path.join(home, "home"),
    XDG_CONFIG_HOME: path.join(home, "config"),
    XDG_DATA_HOME: path.join(home, "data", input.stateKey),
    XDG_STATE_HOME: path.join(home, "state", input.stateKey),
    XDG_CACHE_HOME: process.env.XDG_CACHE_HOME ?? path.join(homedir(), ".cache"),
    BOBB_API_URL: input.apiUrl,
  });
  // Without a real provider there is nothing to fetch from models.dev.
  if (input.model.kind !== "anthropic") env.OPENCODE_DISABLE_MODELS_FETCH = "1";
  if (input.agentKey) env.BOBB_AGENT_KEY = input.agentKey;
  if (input.keysFile) env.BOBB_AGENT_KEYS_FILE = input.keysFile;
  Object.assign(env, modelEnv(input.model));
  return env;
}

/** Prepares the global config dir so OpenCode neither writes a default config nor npm-installs into it. */
export async function prepareOpencodeHome(dataDir: string): Promise<void> {
  const home = opencodeHome(dataDir);
  const globalDir = path.join(home, "config", "opencode");
  await writeIfChanged(
    path.join(globalDir, "opencode.json"),
    `${JSON.stringify({ $schema: "https://opencode.ai/config.json", autoupdate: false, share: "disabled" }, null, 2)}\n`,
  );
  await seedConfigDir(globalDir);
}
