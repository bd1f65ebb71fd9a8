import type { SnowflakeGenerator } from "./snowflake.js";
import type { SandboxStore } from "./store.js";
import type { TokenStyle } from "./token.js";

/** Gateway intent bits (the ones the sandbox routes events by). */
export const Intent = {
  Guilds: 1 << 0,
  GuildMembers: 1 << 1,
  GuildPresences: 1 << 8,
  GuildMessages: 1 << 9,
  GuildMessageReactions: 1 << 10,
  GuildMessageTyping: 1 << 11,
  DirectMessages: 1 << 12,
  DirectMessageReactions: 1 << 13,
  DirectMessageTyping: 1 << 14,
  MessageContent: 1 << 15,
} as const;

/** Intents an application must enable in the portal before a client may ask for them (else close 4014). */
export const PRIVILEGED_INTENTS = Intent.GuildMembers | Intent.GuildPresences | Intent.MessageContent;

/** Every intent bit Discord defines today; anything else closes the connection with 4013. */
export const KNOWN_INTENTS = (1 << 26) - 1;

/** One dispatch, with who should get it: the gateway routes it to bots, the event stream shows it to humans. */
export interface SandboxEvent {
  t: string;
  d: Record<string, unknown>;
  /** Every bot member of this guild receives it. */
  guildId: string | null;
  /** These users receive it too (DM recipients, a bot that just joined). */
  userIds: readonly string[];
  /** A session receives it only if it identified with this intent (0: always). */
  intent: number;
  /** …and not if it identified with this one (a copy for sessions the main event's intent leaves out). */
  withoutIntent?: number;
  /** For message events: what a bot without MESSAGE_CONTENT gets, and who sees content anyway. */
  content?: { redacted: Record<string, unknown>; visibleTo: readonly string[] };
  /** Not shown on the humans' event stream (e.g. a bot's own GUILD_CREATE). */
  gatewayOnly?: boolean;
  /** Only for the humans' event stream (e.g. the command list changed); bots never get it. */
  observersOnly?: boolean;
  /** An ephemeral message's event: shown only to this human, never sent to a bot. */
  ephemeralFor?: string | null;
}

export type SandboxEventListener = (event: SandboxEvent) => void;

/** Fans events out to the gateway and to human observers; a failing listener cannot stop the others. */
export class EventBus {
  readonly #listeners = new Set<SandboxEventListener>();

  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: SandboxEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(event: SandboxEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // One observer's bug must not break delivery to bots; observers log their own errors.
      }
    }
  }
}

/** Minimal logger interface (pino-compatible) so the sandbox needs no logging library of its own. */
export interface SandboxLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** A logger that drops everything (the default). */
export const silentLogger: SandboxLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** What every sandbox module shares: state, id source, event bus, clock. */
export interface SandboxContext {
  store: SandboxStore;
  ids: SnowflakeGenerator;
  bus: EventBus;
  now: () => number;
  /** Key for the hmac part of tokens. */
  secret: string;
  /** Shape of the bot tokens it mints (default Discord's). */
  tokenStyle?: TokenStyle;
  log: SandboxLogger;
}
