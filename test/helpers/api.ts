import path from "node:path";
import type { FastifyInstance } from "fastify";
import { createApi, KeyStore, type DiscordActions } from "../../src/api/index.js";
import { TemplateAgentFiles } from "../../src/agents/index.js";
import { activationReason, RegistryStore } from "../../src/registry/index.js";
import { captureLogs } from "./logs.js";
import { tempDir } from "./temp.js";

export const REPO_ROOT = path.resolve(import.meta.dirname, "../..");

export interface ApiHarness {
  app: FastifyInstance;
  registry: RegistryStore;
  keys: KeyStore;
  adminKey: string;
  bobbKey: string;
  dir: string;
  logs: string[];
  signals: Array<{ agentId: string; reason: string }>;
  setDiscord(actions: DiscordActions | undefined): void;
  close(): Promise<void>;
}

/** A real registry in a temp dir and a real Fastify tool API over it. */
export async function startApiHarness(): Promise<ApiHarness> {
  const { dir, cleanup } = await tempDir();
  const root = captureLogs();
  const registry = new RegistryStore({ file: path.join(dir, "registry.json"), firstPort: 4097, logger: root.logger });
  await registry.open();
  const keys = new KeyStore((key) => root.secrets.add(key));
  const adminKey = keys.register("admin-key-for-tests-0123456789", "admin", "admin");
  const bobbKey = keys.issue("bobb", "bobb");
  let discord: DiscordActions | undefined;
  // What the activation watcher would act on: registry changes that ask for a (re)start.
  const signals: Array<{ agentId: string; reason: string }> = [];
  registry.on("change", (change) => {
    const reason = activationReason(change);
    if (reason) signals.push({ agentId: change.id, reason });
  });
  const app = createApi({
    registry,
    keys,
    files: new TemplateAgentFiles(path.join(dir, "agents"), root.logger, path.join(REPO_ROOT, "agents")),
    logger: root.logger,
    discord: () => discord,
    reservedPorts: new Set([3456, 4096]),
  });
  await app.ready();
  return {
    app,
    registry,
    keys,
    adminKey,
    bobbKey,
    dir,
    logs: root.lines,
    signals,
    setDiscord: (actions) => void (discord = actions),
    close: async () => {
      await app.close();
      await registry.close();
      await cleanup();
    },
  };
}

/** Bearer header for a key. */
export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
