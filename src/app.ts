import path from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyInstance } from "fastify";
import type { Config } from "./config/index.js";
import type { RootLogger } from "./log/index.js";
import { RegistryStore } from "./registry/index.js";
import { createApi, ensureAdminKey, KeyStore, type DiscordActions } from "./api/index.js";
import { TemplateAgentFiles } from "./agents/index.js";

/** The repository root, where the shipped agents/_template lives. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export interface App {
  readonly apiUrl: string;
  readonly adminKeyFile: string | undefined;
  close(): Promise<void>;
}

/** Composition root: wires the real implementations together and starts them in order. */
export async function startApp(config: Config, root: RootLogger): Promise<App> {
  const log = root.logger.child({ component: "app" });
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const fn of closers.reverse()) await fn().catch((err: unknown) => log.error({ err }, "error while closing"));
  };
  try {
    const registry = new RegistryStore({ file: config.registryPath, firstPort: config.env.BOBB_CHILD_PORT_START, logger: root.logger });
    await registry.open();
    closers.push(() => registry.close());

    const keys = new KeyStore((key) => root.secrets.add(key));
    const admin = await ensureAdminKey(config.dataDir, config.env.BOBB_API_KEY);
    keys.register(admin.key, "admin", "admin");
    keys.issue("bobb", "bobb");

    let discord: DiscordActions | undefined;
    const api: FastifyInstance = createApi({
      registry,
      keys,
      files: new TemplateAgentFiles(config.agentsDir, root.logger, path.join(PROJECT_ROOT, "agents")),
      logger: root.logger,
      discord: () => discord,
      reservedPorts: new Set([config.env.BOBB_API_PORT, config.env.BOBB_OPENCODE_PORT, config.env.SANDBOX_PORT]),
    });
    await api.listen({ host: config.env.BOBB_API_HOST, port: config.env.BOBB_API_PORT });
    closers.push(() => api.close());
    const apiUrl = `http://${config.env.BOBB_API_HOST}:${config.env.BOBB_API_PORT}`;
    log.info({ url: apiUrl, registry: registry.file }, `tool API listening on ${apiUrl}`);
    if (admin.file) log.info(`admin API key written to ${admin.file}`);
    void discord;
    return { apiUrl, adminKeyFile: admin.file, close };
  } catch (err) {
    await close();
    throw err;
  }
}
