import path from "node:path";
import type { Config } from "./config/index.js";
import type { RootLogger } from "./log/index.js";
import { KeyStore } from "./api/keys.js";
import { ensureBuilderFiles } from "./agents/files.js";
import { startAgentModel, type AgentModel } from "./agent-model.js";
import { PROJECT_ROOT } from "./project-root.js";
import { createRuntime } from "./runtime.js";
import type { OpencodeRuntime } from "./opencode/index.js";
import type { FenceOf } from "./store/pg/fence.js";

/** The OpenCode side, started before the rest of the app: the app takes it over (and closes it). */
export interface OpencodeFirst {
  keys: KeyStore;
  model: AgentModel;
  runtime: OpencodeRuntime;
  /** BoBB's directory on its server (ensureAgent); awaited by the app's start. */
  bobbReady: Promise<void>;
  /** The server's start and the bots' project loaded; never rejects. */
  prestarted: Promise<void>;
  /** Lease mode: the session map's writes about an agent carry this host's lease on it from now on. */
  useFence(fenceOf: FenceOf): void;
  close(): Promise<void>;
}

export interface OpencodeFirstOptions {
  /** Model settings for agents (tests point this at their scripted model). */
  modelBaseUrl?: string | undefined;
  /** Receives a synchronous kill of every OpenCode server, for the process's exit event (main.ts). */
  lastResort?: ((killNow: () => void) => void) | undefined;
}

/**
 * Starts OpenCode first: its server's start and the bots' project load take seconds of its own
 * CPU (on the other core), and run while the supervisor loads the rest of its code and the bots
 * log in, so a restart's first answers do not wait for them afterwards. Imports only what it
 * needs: main.ts calls it before loading the app's modules.
 */
export async function startOpencodeFirst(config: Config, root: RootLogger, options: OpencodeFirstOptions = {}): Promise<OpencodeFirst> {
  const keys = new KeyStore((key) => root.secrets.add(key));
  const apiUrl = `http://${config.env.BOBB_API_HOST}:${config.env.BOBB_API_PORT}`;
  const model = await startAgentModel(config, root, options.modelBaseUrl);
  // Project mode: the child bots' shared tools hold this key; the API finds the bot by session.
  const projectKey = keys.issue("_bots", "project");
  let runtime: OpencodeRuntime;
  // The leases come later (the fleet needs the app); until then nothing runs, so nothing is written.
  let fence: FenceOf | undefined;
  try {
    runtime = createRuntime(config, root, { apiUrl, model: model.settings, projectKey, fenceOf: (agentId) => fence?.(agentId) });
  } catch (err) {
    await model.close();
    throw err;
  }
  options.lastResort?.(() => runtime.killNow());
  const prestarted = runtime.prestart();
  // BoBB's files first (its AGENTS.md, its tools); its login and the restore of every bot come later.
  const bobbReady = ensureBuilderFiles(config.agentsDir, path.join(PROJECT_ROOT, "agents")).then(() =>
    runtime.ensureAgent({ id: "bobb", name: "BoBB", persona: "", port: config.env.BOBB_OPENCODE_PORT, role: "bobb" }, keys.issue("bobb", "bobb")),
  );
  bobbReady.catch(() => undefined);
  return {
    keys,
    model,
    runtime,
    bobbReady,
    prestarted,
    useFence: (fenceOf) => (fence = fenceOf),
    close: async () => {
      await runtime.close();
      await model.close();
    },
  };
}
