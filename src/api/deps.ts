import type { Logger } from "../log/index.js";
import type { AgentWrites } from "./agent-writes.js";
import type { RegistryPort } from "../registry/index.js";
import type { KeyIdentity, KeyStore } from "./keys.js";
import type { AgentFiles, AgentRemovals, ChannelInfo, DiscordActions, LiveTurn, RoomsAdmin, TurnLookup } from "./ports.js";

declare module "fastify" {
  interface FastifyRequest {
    identity?: KeyIdentity;
    /** The live turn an agent's call belongs to (never set for the operator's key). */
    turn?: LiveTurn;
  }
  interface FastifyContextConfig {
    public?: boolean;
    scope?: "registry" | "discord" | "rooms";
  }
}

export interface ApiDeps {
  registry: RegistryPort;
  keys: KeyStore;
  files: AgentFiles;
  logger: Logger;
  /** The Discord side, once attached; undefined means 503. */
  discord: () => DiscordActions | undefined;
  /** Ports never given to a new agent (the API's, BoBB's OpenCode port). */
  reservedPorts: ReadonlySet<number>;
  /** Largest accepted request body in bytes. */
  bodyLimit?: number;
  /** Finds the live turn of an agent's call; every agent call needs one. */
  turns: TurnLookup;
  /** Project mode: the agent whose prompt runs in an OpenCode session now (the project key's caller). */
  sessionAgent?: (sessionId: string) => string | undefined;
  /** The removal of an agent the registry dropped (the activation side); none = the answer has no folder. */
  removals?: () => AgentRemovals | undefined;
  /** Renames and persona changes per bot and hour through BoBB (BOBB_CHANGE_LIMIT); default 5. */
  changesPerHour?: number;
  /** The writes the routes share with BoBB's slash commands (app.ts); built from the fields above when left out. */
  writes?: AgentWrites;
  /** The rooms of outside agents (operator routes); undefined means 503. */
  rooms?: () => RoomsAdmin | undefined;
  /** A channel's guild and name, for opening it as a room; undefined when BoBB cannot see the channel. */
  channelInfo?: (channelId: string) => Promise<ChannelInfo | undefined>;
}

/** What every route plugin is registered with (`app.register(plugin, { deps })`). */
export interface RouteOptions {
  deps: ApiDeps & { writes: AgentWrites };
}
