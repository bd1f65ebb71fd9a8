import path from "node:path";
import type { Config } from "./config/index.js";
import { PROJECT_ROOT } from "./project-root.js";
import type { RootLogger } from "./log/index.js";
import { createOpencodeRuntime, type ModelSettings, type OpencodeRuntime } from "./opencode/index.js";
import type { FenceOf } from "./store/pg/fence.js";
import { PgSessionStore } from "./store/pg/session-store.js";

export interface RuntimeWiring {
  /** The tool API's base URL, which agents' tools call. */
  apiUrl: string;
  /** The model every agent talks to. */
  model: ModelSettings;
  /** Project mode: the key the child bots' shared tools present (the API finds the bot by session). */
  projectKey?: string;
  /** Lease mode (several hosts): the fence of each agent this host runs; the session map's writes about it carry it. */
  fenceOf?: FenceOf;
}

/** The OpenCode runtime configured from the environment. */
export function createRuntime(config: Config, root: RootLogger, wiring: RuntimeWiring): OpencodeRuntime {
  const url = config.env.BOBB_DATABASE_URL;
  return createOpencodeRuntime({
    // With BOBB_DATABASE_URL the session map is in PostgreSQL, so a bot taken over by another host keeps its conversations.
    sessions: url ? new PgSessionStore({ url, scope: config.env.BOBB_OPENCODE_MODE, fenceOf: wiring.fenceOf }) : undefined,
    mode: config.env.BOBB_OPENCODE_MODE,
    command: config.env.OPENCODE_COMMAND,
    dataDir: config.dataDir,
    agentsDir: config.agentsDir,
    basePort: config.env.BOBB_OPENCODE_PORT,
    healthTimeoutMs: config.env.OPENCODE_HEALTH_TIMEOUT,
    promptTimeoutMs: config.env.BOBB_PROMPT_TIMEOUT,
    queueLimit: config.env.BOBB_QUEUE_LIMIT,
    agentConcurrency: config.env.BOBB_AGENT_CONCURRENCY,
    sessionIdleMs: config.env.BOBB_SESSION_IDLE,
    model: wiring.model,
    apiUrl: wiring.apiUrl,
    projectKey: wiring.projectKey,
    logger: root.logger,
    secrets: root.secrets,
    // The project's root opencode.json is the base config every agent inherits, on purpose.
    expectedParentFiles: [path.join(PROJECT_ROOT, "opencode.json")],
  });
}
