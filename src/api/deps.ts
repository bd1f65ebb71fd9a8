import type { Logger } from "../log/index.js";
import type { RegistryStore } from "../registry/index.js";
import type { KeyIdentity, KeyStore } from "./keys.js";
import type { AgentFiles, DiscordActions } from "./ports.js";

declare module "fastify" {
  interface FastifyRequest {
    identity?: KeyIdentity;
  }
  interface FastifyContextConfig {
    public?: boolean;
    scope?: "registry" | "discord";
  }
}

export interface ApiDeps {
  registry: RegistryStore;
  keys: KeyStore;
  files: AgentFiles;
  logger: Logger;
  /** The Discord side, once attached; undefined means 503. */
  discord: () => DiscordActions | undefined;
  /** Ports never given to a new agent (the API's, BoBB's OpenCode port). */
  reservedPorts: ReadonlySet<number>;
  /** Largest accepted request body in bytes. */
  bodyLimit?: number;
}

/** What every route plugin is registered with (`app.register(plugin, { deps })`). */
export interface RouteOptions {
  deps: ApiDeps;
}
