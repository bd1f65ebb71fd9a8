// Helpers for tests that run real discord.js clients against the sandbox.
import { once, type EventEmitter } from "node:events";
import { Client, Events, GatewayIntentBits, Partials, type ClientEvents, type ClientOptions } from "discord.js";
import { createSandbox, type Sandbox, type SandboxOptions, type ObservedEvent } from "../../src/sandbox/index.js";

/** A bot created in the sandbox portal, with its logged-in client (unless `login: false`). */
export interface StartedBot {
  client: Client;
  application_id: string;
  bot_user_id: string;
  token: string;
}

/** Options of `startBot`. */
export interface StartBotOptions {
  /** Gateway intents; default Guilds, GuildMessages, MessageContent, DirectMessages. */
  intents?: GatewayIntentBits[];
  /** Partials; default [Partials.Channel] (needed for DMs). */
  partials?: Partials[];
  /** Switch on the Message Content intent in the portal (default true). */
  messageContent?: boolean;
  /** Switch on the Server Members intent in the portal (default false). */
  serverMembers?: boolean;
  /** Guild to invite the bot to; default the seeded guild; null for none. */
  guildId?: string | null;
  /** Log in and wait for `clientReady` (default true). */
  login?: boolean;
  /** REST timeout in ms (default 5000, so injected slowness shows quickly). */
  restTimeout?: number;
}

export const DEFAULT_INTENTS = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent, GatewayIntentBits.DirectMessages];

/** discord.js client options pointing at the sandbox. */
export function sandboxClientOptions(sandbox: Sandbox, options: StartBotOptions = {}): ClientOptions {
  return {
    intents: options.intents ?? DEFAULT_INTENTS,
    partials: options.partials ?? [Partials.Channel],
    rest: { api: `${sandbox.url}/api`, timeout: options.restTimeout ?? 5_000 },
  };
}

/** Creates an application + bot in the sandbox, invites it, and logs a real discord.js client in. */
export async function startBot(sandbox: Sandbox, name: string, options: StartBotOptions = {}): Promise<StartedBot> {
  const created = sandbox.control.createApplication(name, {
    message_content_intent: options.messageContent ?? true,
    server_members_intent: options.serverMembers ?? false,
  });
  const guildId = options.guildId === undefined ? sandbox.control.guildId() : options.guildId;
  if (guildId) sandbox.control.addBotToGuild(guildId, created.application_id);
  const client = new Client(sandboxClientOptions(sandbox, options));
  if (options.login !== false) await loginAndWait(client, created.token);
  return { client, ...created };
}

/** Logs in and resolves once the client is ready (all guilds received). */
export async function loginAndWait(client: Client, token: string, timeoutMs = 10_000): Promise<void> {
  const ready = waitForClientEvent(client, Events.ClientReady, undefined, timeoutMs);
  await client.login(token);
  await ready;
}

/** Resolves with the arguments of the first `event` that satisfies `predicate`; rejects after `timeoutMs`. */
export function waitForClientEvent<E extends keyof ClientEvents>(
  client: Client,
  event: E,
  predicate: (...args: ClientEvents[E]) => boolean = () => true,
  timeoutMs = 5_000,
): Promise<ClientEvents[E]> {
  return new Promise((resolve, reject) => {
    const listener = (...args: ClientEvents[E]) => {
      if (!predicate(...args)) return;
      clearTimeout(timer);
      client.off(event, listener);
      resolve(args);
    };
    const timer = setTimeout(() => {
      client.off(event, listener);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${String(event)}`));
    }, timeoutMs);
    client.on(event, listener);
  });
}

/** Resolves with the first sandbox event (as humans see them) of type `t` that satisfies `predicate`. */
export function waitForSandboxEvent(
  sandbox: Sandbox,
  t: string,
  predicate: (d: Record<string, unknown>) => boolean = () => true,
  timeoutMs = 5_000,
): Promise<ObservedEvent> {
  return new Promise((resolve, reject) => {
    const unsubscribe = sandbox.control.onEvent((event) => {
      if (event.t !== t || !predicate(event.d)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(event);
    });
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for sandbox event ${t}`));
    }, timeoutMs);
  });
}

/** `events.once` with a timeout, for plain emitters. */
export async function onceWithTimeout(emitter: EventEmitter, event: string, timeoutMs = 5_000): Promise<unknown[]> {
  return once(emitter, event, { signal: AbortSignal.timeout(timeoutMs) });
}

/** A sandbox plus the clients a test started on it, so one `stop()` cleans everything up. */
export interface SandboxHarness {
  sandbox: Sandbox;
  /** `startBot` on this sandbox; the client is destroyed by `stopClients()`/`stop()`. */
  startBot(name: string, options?: StartBotOptions): Promise<StartedBot>;
  /** Registers any other client for clean-up. */
  track(client: Client): Client;
  /** Destroys every tracked client (call in afterEach). */
  stopClients(): Promise<void>;
  /** Destroys the clients, then closes the sandbox (call in afterAll). */
  stop(): Promise<void>;
}

/** Starts a sandbox for a test file. */
export async function startSandbox(options: SandboxOptions = {}): Promise<SandboxHarness> {
  const sandbox = await createSandbox(options);
  const clients = new Set<Client>();
  const stopClients = async () => {
    const all = [...clients];
    clients.clear();
    await Promise.all(all.map((client) => client.destroy()));
  };
  return {
    sandbox,
    startBot: async (name, botOptions = {}) => {
      const bot = await startBot(sandbox, name, { ...botOptions, login: false });
      clients.add(bot.client);
      if (botOptions.login !== false) await loginAndWait(bot.client, bot.token);
      return bot;
    },
    track: (client) => {
      clients.add(client);
      return client;
    },
    stopClients,
    stop: async () => {
      await stopClients();
      await sandbox.close();
    },
  };
}
