import { EventEmitter } from "node:events";
import PQueue from "p-queue";
import {
  Client,
  DiscordAPIError,
  DiscordjsError,
  DiscordjsErrorCodes,
  Events,
  GatewayCloseCodes,
  GatewayIntentBits,
  Partials,
  type Interaction,
  type Message,
} from "discord.js";
import type { Logger } from "../log/index.js";
import { ClientCrash, ClientRestarts, guardClient, type RestartOptions } from "./client-guard.js";
import { BotLoginError, type BotLoginErrorCode } from "./errors.js";
import { clientCache } from "./client-cache.js";
import { shareMessages, type SharedMessages } from "./shared-messages.js";
import { LoginBackoff } from "./login-backoff.js";

/** One bot the manager runs: BoBB or a child agent. */
export interface BotSpec {
  agentId: string;
  /** Display name from the registry ("Chef Bot"). */
  name: string;
  token: string;
}

export interface RunningBot {
  readonly spec: BotSpec;
  readonly client: Client<true>;
}

export interface BotManagerOptions {
  logger: Logger;
  /** Discord REST base, e.g. https://discord.com/api or the sandbox's /api. */
  apiUrl?: string | undefined;
  /** Discord API version for REST and the gateway (DISCORD_API_VERSION); default 10. */
  apiVersion?: number | undefined;
  /** Spacing between logins of different bots (default 0: each bot is its own application with its own identify budget). */
  loginSpacingMs: number;
  /** Waits after repeated login failures and counts identifies per bot (default: a LoginBackoff with its defaults). */
  loginBackoff?: LoginBackoff;
  onMessage: (bot: RunningBot, message: Message) => Promise<void>;
  /** A bot logged in and is ready (it may read what it missed meanwhile). */
  onReady?: (bot: RunningBot) => Promise<void>;
  /** Backoff and give-up for a client that crashed inside discord.js. */
  restarts?: Partial<RestartOptions>;
  /** A slash command, button or modal submit reached the bot (only BoBB has commands). */
  onInteraction?: (bot: RunningBot, interaction: Interaction) => Promise<void>;
  /** Guild messages read once for all clients (shared-messages.ts); `full`: this bot's client handles every message. */
  sharing?: { messages: SharedMessages; full(agentId: string): boolean; skipped(agentId: string, channelId: string, messageId: string): void };
}

export interface BotManagerEvents {
  /** A running bot stopped for good (revoked token, lost connection that won't recover). */
  failure: [agentId: string, reason: string];
}

const DISALLOWED_INTENTS = "the bot's application has not enabled the MESSAGE CONTENT intent; turn it on under Bot → Privileged Gateway Intents";
/** What a person can do about the gateway close codes that end a bot for good. */
const CLOSE_REASONS: Readonly<Partial<Record<number, string>>> = {
  [GatewayCloseCodes.AuthenticationFailed]: "Discord rejected the bot token (it was reset or revoked); send BoBB a new token",
  [GatewayCloseCodes.DisallowedIntents]: DISALLOWED_INTENTS,
  [GatewayCloseCodes.InvalidIntents]: "invalid gateway intents",
};

/** One discord.js Client per bot, all in this process, each isolated from the others' failures. */
export class BotManager extends EventEmitter<BotManagerEvents> {
  readonly #bots = new Map<string, RunningBot>();
  readonly #starting = new Map<string, Promise<RunningBot>>();
  /** Login starts at least `loginSpacingMs` apart (sliding window); the logins themselves may overlap. */
  readonly #logins: PQueue;
  readonly #options: BotManagerOptions;
  readonly #log: Logger;
  readonly #restarts: ClientRestarts;
  #closed = false;
  readonly #backoff: LoginBackoff;

  constructor(options: BotManagerOptions) {
    super();
    this.#options = options;
    this.#restarts = new ClientRestarts(options.restarts);
    this.#backoff = options.loginBackoff ?? new LoginBackoff();
    this.#log = options.logger.child({ component: "bots" });
    this.#logins = new PQueue(options.loginSpacingMs > 0 ? { intervalCap: 1, interval: options.loginSpacingMs, strict: true } : {});
  }

  get(agentId: string): RunningBot | undefined {
    return this.#bots.get(agentId);
  }

  /** Every running bot. */
  list(): RunningBot[] {
    return [...this.#bots.values()];
  }

  /** Logs a bot in (staggered); resolves when it is ready. Starting twice returns the same bot. */
  start(spec: BotSpec): Promise<RunningBot> {
    const running = this.#bots.get(spec.agentId);
    if (running && running.spec.token === spec.token) return Promise.resolve(running);
    const pending = this.#starting.get(spec.agentId);
    if (pending) return pending;
    this.#restarts.cancel(spec.agentId);
    const start = this.#start(spec).finally(() => this.#starting.delete(spec.agentId));
    this.#starting.set(spec.agentId, start);
    return start;
  }

  async #start(spec: BotSpec): Promise<RunningBot> {
    await this.#logout(spec.agentId);
    const log = this.#log.child({ agent: spec.agentId });
    const blocked = this.#backoff.check(spec.agentId, spec.token);
    if (blocked) throw new BotLoginError("LOGIN_BACKOFF", `bot ${spec.agentId} did not try to log in: ${blocked.reason}`);
    const client = new Client({
      ...clientCache(),
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent, GatewayIntentBits.DirectMessages],
      partials: [Partials.Channel],
      rest: { ...(this.#options.apiUrl ? { api: this.#options.apiUrl } : {}), version: String(this.#options.apiVersion ?? 10) },
      ws: { version: this.#options.apiVersion ?? 10 },
    });
    const bot = { spec, client } as RunningBot;
    // A throw inside discord.js ends this client only: before it is ready the start fails, after it the client restarts.
    let failEarly: (err: ClientCrash) => void = () => undefined;
    const crashedEarly = new Promise<never>((_, reject) => (failEarly = reject));
    if (!guardClient(client, (crash) => this.#crashed(bot, crash, failEarly))) log.warn("this discord.js has no per-client packet guard");
    const sharing = this.#options.sharing;
    if (sharing && !shareMessages(client, sharing.messages, sharing.full(spec.agentId), (channelId, id) => sharing.skipped(spec.agentId, channelId, id))) {
      log.warn("this discord.js has no packet entry to share messages through; every client handles every message");
    }
    client.on(Events.MessageCreate, (message) => {
      // A handler failure is this bot's problem only: log it, never let it escape.
      this.#options.onMessage(bot, message).catch((err: unknown) => log.error({ err, message: message.id }, "message handler failed"));
    });
    client.on(Events.InteractionCreate, (interaction) => {
      this.#options.onInteraction?.(bot, interaction).catch((err: unknown) => log.error({ err, interaction: interaction.id }, "interaction handler failed"));
    });
    client.on(Events.Error, (err) => log.error({ err }, "discord client error"));
    client.on(Events.ShardError, (err) => log.warn({ err }, "gateway connection error; discord.js will retry"));
    client.on(Events.ShardDisconnect, (event) => {
      const reason = CLOSE_REASONS[event.code] ?? `gateway closed with code ${event.code} and will not reconnect`;
      log.error({ code: event.code }, `bot went offline: ${reason}`);
      if (this.#bots.get(spec.agentId) === bot) {
        this.#bots.delete(spec.agentId);
        void client.destroy();
        this.emit("failure", spec.agentId, reason);
      }
    });
    client.on(Events.ShardResume, () => log.info("gateway session resumed"));
    // Every READY is an identify (a login, or discord.js starting a new session): count it against the day's budget.
    client.on(Events.ShardReady, () => this.#backoff.identified(spec.agentId, spec.token));
    const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
    try {
      await Promise.race([this.#logins.add(() => client.login(spec.token)).then(() => ready), crashedEarly]);
    } catch (err) {
      await client.destroy();
      this.#backoff.failed(spec.agentId, spec.token);
      const failure = describeLoginError(err);
      throw new BotLoginError(failure.code, `bot ${spec.agentId} could not log in: ${failure.reason}`, { cause: err });
    }
    this.#backoff.succeeded(spec.agentId, spec.token);
    this.#bots.set(spec.agentId, bot);
    log.info({ tag: bot.client.user.tag }, `bot online as ${bot.client.user.tag}`);
    this.#options.onReady?.(bot).catch((err: unknown) => log.error({ err }, "ready handler failed"));
    return bot;
  }

  /** A client crashed inside discord.js: destroy it and restart it with backoff, or give up and report the bot failed. */
  #crashed(bot: RunningBot, crash: ClientCrash, failEarly: (err: ClientCrash) => void): void {
    const id = bot.spec.agentId;
    const log = this.#log.child({ agent: id });
    log.error({ event: crash.event, err: crash.message }, "discord.js could not handle a gateway event; ending this bot's client");
    if (this.#bots.get(id) !== bot) return failEarly(crash);
    this.#bots.delete(id);
    bot.client.destroy().catch((err: unknown) => log.warn({ err }, "could not destroy a crashed client"));
    this.#scheduleRestart(bot.spec, crash);
  }

  #scheduleRestart(spec: BotSpec, crash: ClientCrash): void {
    if (this.#closed) return;
    const id = spec.agentId;
    const delay = this.#restarts.schedule(id, () => {
      this.start(spec).catch((err: unknown) => {
        // Crashing again while logging in counts as one more crash; any other login failure is final.
        if (err instanceof BotLoginError && err.cause instanceof ClientCrash) return this.#scheduleRestart(spec, err.cause);
        this.#log.error({ agent: id, err }, "a crashed bot could not log in again");
        this.emit("failure", id, err instanceof Error ? err.message : String(err));
      });
    });
    if (delay === null) {
      const reason = `discord.js kept crashing on this server's gateway events (last: ${crash.message}); gave up restarting the bot`;
      this.#log.error({ agent: id }, reason);
      this.emit("failure", id, reason);
      return;
    }
    this.#log.warn({ agent: id, delayMs: delay, crashes: this.#restarts.count(id) }, `restarting the bot in ${delay} ms`);
  }

  /** Logs a bot out for good (no restart pending); a no-op when it is not running. */
  async stop(agentId: string): Promise<void> {
    this.#restarts.forget(agentId);
    await this.#logout(agentId);
  }

  async #logout(agentId: string): Promise<void> {
    const bot = this.#bots.get(agentId);
    if (!bot) return;
    this.#bots.delete(agentId);
    await bot.client.destroy();
    this.#log.info({ agent: agentId }, "bot stopped");
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#restarts.close();
    await Promise.allSettled([...this.#starting.values()]);
    await Promise.all([...this.#bots.keys()].map((id) => this.stop(id)));
    this.#restarts.close();
  }
}

function describeLoginError(err: unknown): { code: BotLoginErrorCode; reason: string } {
  const djs = err instanceof DiscordjsError ? err.code : undefined;
  if (djs === DiscordjsErrorCodes.TokenInvalid || (err instanceof DiscordAPIError && err.status === 401))
    return { code: "TOKEN_REJECTED", reason: "Discord rejected the token" };
  // @discordjs/ws rejects the login on close code 4014 with a plain Error("Used disallowed intents"), no code.
  if (djs === DiscordjsErrorCodes.DisallowedIntents || (err instanceof Error && /disallowed intents/i.test(err.message))) {
    return { code: "DISALLOWED_INTENTS", reason: DISALLOWED_INTENTS };
  }
  return { code: "LOGIN_FAILED", reason: err instanceof Error ? err.message : String(err) };
}
