import { EventEmitter } from "node:events";
import PQueue from "p-queue";
import { Client, DiscordAPIError, DiscordjsError, DiscordjsErrorCodes, Events, GatewayCloseCodes, GatewayIntentBits, Partials, type Message } from "discord.js";
import type { Logger } from "../log/index.js";
import { BotLoginError, type BotLoginErrorCode } from "./errors.js";
import { clientCache } from "./client-cache.js";
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
  /** Spacing between logins of different bots (default 0: each bot is its own application with its own identify budget). */
  loginSpacingMs: number;
  /** Waits after repeated login failures and counts identifies per bot (default: a LoginBackoff with its defaults). */
  loginBackoff?: LoginBackoff;
  onMessage: (bot: RunningBot, message: Message) => Promise<void>;
  /** A bot logged in and is ready (it may read what it missed meanwhile). */
  onReady?: (bot: RunningBot) => Promise<void>;
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
  readonly #backoff: LoginBackoff;

  constructor(options: BotManagerOptions) {
    super();
    this.#options = options;
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
    const start = this.#start(spec).finally(() => this.#starting.delete(spec.agentId));
    this.#starting.set(spec.agentId, start);
    return start;
  }

  async #start(spec: BotSpec): Promise<RunningBot> {
    await this.stop(spec.agentId);
    const log = this.#log.child({ agent: spec.agentId });
    const blocked = this.#backoff.check(spec.agentId, spec.token);
    if (blocked) throw new BotLoginError("LOGIN_BACKOFF", `bot ${spec.agentId} did not try to log in: ${blocked.reason}`);
    const client = new Client({
      ...clientCache(),
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent, GatewayIntentBits.DirectMessages],
      partials: [Partials.Channel],
      rest: this.#options.apiUrl ? { api: this.#options.apiUrl } : {},
    });
    const bot = { spec, client } as RunningBot;
    client.on(Events.MessageCreate, (message) => {
      // A handler failure is this bot's problem only: log it, never let it escape.
      this.#options.onMessage(bot, message).catch((err: unknown) => log.error({ err, message: message.id }, "message handler failed"));
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
      await this.#logins.add(() => client.login(spec.token));
      await ready;
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

  /** Logs a bot out; a no-op when it is not running. */
  async stop(agentId: string): Promise<void> {
    const bot = this.#bots.get(agentId);
    if (!bot) return;
    this.#bots.delete(agentId);
    await bot.client.destroy();
    this.#log.info({ agent: agentId }, "bot stopped");
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.#starting.values()]);
    await Promise.all([...this.#bots.keys()].map((id) => this.stop(id)));
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
