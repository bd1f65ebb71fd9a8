import { randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";
import Fastify from "fastify";
import { Accounts } from "./accounts.js";
import { Commands } from "./commands.js";
import { createControl, type SandboxControl } from "./control.js";
import { EventBus, silentLogger, type SandboxContext, type SandboxLogger } from "./events.js";
import { FaultInjector } from "./faults.js";
import { Gateway } from "./gateway.js";
import { Interactions } from "./interactions.js";
import { Profiles } from "./profiles.js";
import { LocalGuard, upgradeRefusal } from "./guard.js";
import { Messages } from "./messages.js";
import { loadState, StateSaver } from "./persist.js";
import { registerCdn } from "./cdn.js";
import { registerInteractionControl } from "./control-interactions.js";
import { registerPortal } from "./portal.js";
import { RateLimiter, type RateLimitOptions } from "./ratelimit.js";
import { registerRest } from "./rest.js";
import { SnowflakeGenerator } from "./snowflake.js";
import { SandboxStore } from "./store.js";
import { registerWeb, type WebHuman } from "./web-routes.js";
import { Webhooks } from "./webhooks.js";
import { Threads } from "./threads.js";
import type { TokenStyle } from "./token.js";

/** Options of `createSandbox`. */
export interface SandboxOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Interface to listen on; loopback by default (the portal has no authentication). */
  host?: string;
  /** JSON file to load state from and save it to; memory only when omitted. */
  statePath?: string;
  /** Create the "BoBB Sandbox" guild with #general and #debate when the state has no guild (default true). */
  seed?: boolean;
  rateLimits?: RateLimitOptions;
  logger?: SandboxLogger;
  /** Gateway heartbeat interval sent in HELLO (Discord's: 41250 ms). */
  heartbeatIntervalMs?: number;
  /** Dispatches kept per session for RESUME (default 1000). */
  replayBufferSize?: number;
  /** How long a dropped session stays resumable (default 5 minutes). */
  resumeWindowMs?: number;
  /** Text of the web chat's top banner (e.g. which model answers); none by default. */
  banner?: string;
  /** Human account the web chat signs in as (e.g. "you"); created and persisted if missing. Without it the page asks for a name. */
  humanName?: string;
  /** How long an app has to answer an interaction (Discord's: 3000 ms); a later callback gets 10062. */
  interactionDeadlineMs?: number;
  /** How long an interaction token works for edits and follow-ups (Discord's: 15 minutes). */
  interactionTokenLifetimeMs?: number;
  /** New application commands per scope (guild or global) per day (Discord's: 200); beyond it 30034. */
  dailyCommandCreates?: number;
  /** Shape of the bot tokens it mints: Discord's (default) or a JWT, as some Discord-compatible servers issue. */
  tokenStyle?: TokenStyle;
}

/** A running sandbox. */
export interface Sandbox {
  /** Base URL, e.g. http://127.0.0.1:PORT; point discord.js at `${url}/api`. */
  url: string;
  /** The gateway URL `GET /gateway/bot` returns. */
  gatewayUrl: string;
  control: SandboxControl;
  /** The web chat's default human (from `humanName`), or null. */
  human: WebHuman | null;
  close(): Promise<void>;
}

/** Starts a Discord-compatible server (REST under /api, gateway at /gateway, portal and control APIs). */
export async function createSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? "127.0.0.1";
  const log = options.logger ?? silentLogger;
  const saverRef: { saver: StateSaver | null } = { saver: null };
  const store = new SandboxStore(() => saverRef.saver?.schedule());
  const ids = new SnowflakeGenerator();
  const ctx: SandboxContext = {
    store,
    ids,
    bus: new EventBus(),
    now: Date.now,
    secret: randomBytes(32).toString("hex"),
    log,
    tokenStyle: options.tokenStyle ?? "discord",
  };

  if (options.statePath) {
    const snapshot = loadState(options.statePath);
    if (snapshot) {
      store.load(snapshot);
      for (const record of [
        ...snapshot.users,
        ...snapshot.applications,
        ...snapshot.channels,
        ...snapshot.messages,
        ...snapshot.webhooks,
        ...snapshot.guilds,
        ...snapshot.commands,
        ...snapshot.files,
      ]) {
        ids.observe(record.id);
      }
      for (const guild of snapshot.guilds) for (const role of guild.roles) ids.observe(role.id);
    }
    saverRef.saver = new StateSaver(
      options.statePath,
      () => store.snapshot(),
      (error) => log.error({ err: error }, "sandbox state save failed"),
    );
  }

  const accounts = new Accounts(ctx);
  // The web chat's human owns the seeded guild, so a newcomer sees only themself and the bots.
  if (options.seed !== false && store.guilds.size === 0) accounts.seed(options.humanName);
  const messages = new Messages(ctx);
  const webhooks = new Webhooks(ctx, messages);
  const threads = new Threads(ctx, messages);
  const commands = new Commands(ctx, { dailyCreates: options.dailyCommandCreates ?? 200 });
  const interactions = new Interactions(ctx, commands, messages, {
    deadlineMs: options.interactionDeadlineMs ?? 3_000,
    tokenLifetimeMs: options.interactionTokenLifetimeMs ?? 15 * 60_000,
  });
  const profiles = new Profiles(ctx);
  const limiter = new RateLimiter(options.rateLimits ?? {});
  const faults = new FaultInjector();
  let gatewayUrl = "";
  const gateway = new Gateway(
    ctx,
    {
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
      replayBufferSize: options.replayBufferSize ?? 1000,
      resumeWindowMs: options.resumeWindowMs ?? 5 * 60_000,
    },
    () => gatewayUrl,
  );
  ctx.bus.subscribe((event) => gateway.deliver(event));
  const control = createControl({ ctx, accounts, messages, gateway, faults, limiter, commands, interactions, threads });

  const app = Fastify({ logger: false, forceCloseConnections: true, bodyLimit: 1024 * 1024 });
  const streams = new Set<ServerResponse>();
  // Before every route (REST, portal, control, web, SSE, 404s): only this machine's own addresses and pages.
  const guard = new LocalGuard(host);
  app.addHook("onRequest", async (request, reply) => {
    const refusal = guard.check(request.raw);
    if (refusal) return reply.code(403).send({ error: refusal });
    return;
  });
  registerPortal(app, control, log, streams);
  registerInteractionControl(app, control);
  const human = registerWeb(app, { control, store }, { banner: options.banner ?? null, humanName: options.humanName ?? null });
  registerCdn(app, profiles, store);
  const restDeps = { ctx, accounts, messages, threads, webhooks, commands, interactions, profiles, limiter, faults, gatewayUrl: () => gatewayUrl };
  await registerRest(app, restDeps, "/api/v10");
  await registerRest(app, restDeps, "/api/v9");
  app.server.on("upgrade", (req, socket, head) => {
    const refusal = guard.check(req, true);
    if (refusal) {
      socket.on("error", () => socket.destroy());
      socket.end(upgradeRefusal(refusal));
      return;
    }
    const path = new URL(req.url ?? "/", "http://sandbox").pathname;
    if (path === "/gateway" || path === "/gateway/") gateway.handleUpgrade(req, socket, head);
    else socket.destroy();
  });

  await app.listen({ port: options.port ?? 0, host });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : (options.port ?? 0);
  guard.listening(port);
  const hostPart = host.includes(":") ? `[${host}]` : host;
  const url = `http://${hostPart}:${port}`;
  store.baseUrl = url;
  gatewayUrl = `ws://${hostPart}:${port}/gateway`;
  const prune = setInterval(() => limiter.prune(), 60_000);
  prune.unref();
  log.info({ url }, "sandbox listening");

  let closing: Promise<void> | null = null;
  return {
    url,
    gatewayUrl,
    control,
    human,
    close: () =>
      (closing ??= (async () => {
        clearInterval(prune);
        await gateway.close();
        for (const res of streams) res.end();
        streams.clear();
        await app.close();
        await saverRef.saver?.flush();
      })()),
  };
}
