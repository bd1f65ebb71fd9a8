import path from "node:path";
import type { Config } from "./config/index.js";
import { PROJECT_ROOT } from "./project-root.js";
import type { RootLogger } from "./log/index.js";
import { RegistryStore, type RegistryPort } from "./registry/index.js";
import { PgRegistryStore } from "./store/pg/registry-store.js";
import { PgRoomStore } from "./store/pg/room-store.js";
import { PgLastSeenStore } from "./store/pg/last-seen-store.js";
import { AgentWrites, createApi, ensureAdminKey, type RoomsAdminCode } from "./api/index.js";
import { intakeMessage, Reconciler, SignalWatcher, TemplateAgentFiles, TokenIntake, tokenForms } from "./agents/index.js";
import {
  AppSetup,
  BotActions,
  autoThreadGuilds,
  BotDirectory,
  BotManager,
  ChannelGovernor,
  Conversations,
  SharedMessages,
  NoteBoard,
  Outbox,
  SystemVoice,
  TurnTracker,
  handleTokenInteraction,
  TOKEN_BUTTON_PREFIX,
  TOKEN_MODAL_PREFIX,
  portalUrl,
  type BrainErrorCode,
  type KnownBot,
} from "./discord/index.js";
import type { Interaction } from "discord.js";
import { createBobbCommands, personaPrompt } from "./discord/commands/index.js";
import { createRoomsDiscord, type RoomsDiscord, type RoomsPort } from "./discord/rooms/index.js";
import { discordTarget, type DiscordTarget } from "./discord-target.js";
import { startOpencodeFirst, type OpencodeFirst } from "./opencode-first.js";
import type { BridgeErrorCode, OpencodeRuntime } from "./opencode/index.js";
import { startRooms, type RoomsErrorCode, type RoomsHandle } from "./rooms/index.js";
import { channelInfoOf, peopleNames, roomBots, roomLimits } from "./rooms-wiring.js";
import { createFleet, startFleet } from "./fleet.js";

export { PROJECT_ROOT };

/** The OpenCode side as the app uses it. */
export type Runtime = OpencodeRuntime;

export interface App {
  readonly apiUrl: string;
  readonly adminKeyFile: string | undefined;
  readonly discord: DiscordTarget;
  readonly registry: RegistryPort;
  readonly bots: BotManager;
  readonly reconciler: Reconciler;
  readonly runtime: Runtime;
  /** The rooms of outside agents and their listener (the Discord side attaches to rooms.rooms). */
  readonly rooms: RoomsHandle;
  close(): Promise<void>;
}

export interface AppOverrides {
  /** Aborting closes everything started so far, also in the middle of start-up. */
  signal?: AbortSignal;
  /** Model settings for agents (tests point this at their scripted model). */
  modelBaseUrl?: string;
  /** Receives a synchronous kill of every OpenCode server, for the process's exit event (main.ts). */
  lastResort?: (killNow: () => void) => void;
  /** The rooms core for outside agents (the Discord side is wired to it); tests may give a fake. */
  rooms?: RoomsPort;
  /** The OpenCode side, already started (main.ts); the app closes it. Without it the app starts it. */
  opencode?: OpencodeFirst;
}

/** Composition root: wires the real implementations together and starts them in order. */
export async function startApp(config: Config, root: RootLogger, overrides: AppOverrides = {}): Promise<App> {
  const log = root.logger.child({ component: "app" });
  const closers: Array<() => Promise<void>> = [];
  // One shutdown, however many callers (a signal during start-up, then the failed start): all await it.
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      for (const fn of closers.splice(0).reverse()) await fn().catch((err: unknown) => log.error({ err }, "error while closing"));
    })());
  // Something started after shutdown began is closed at once rather than left running.
  const track = (fn: () => Promise<void>) => {
    if (closing) void fn().catch((err: unknown) => log.error({ err }, "error while closing"));
    else closers.push(fn);
  };
  const onAbort = () => void close();
  overrides.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    // OpenCode first (main.ts starts it before loading this module; tests let startApp do it).
    const given = overrides.opencode;
    if (given) track(() => given.close());
    overrides.signal?.throwIfAborted();
    const first = given ?? (await startOpencodeFirst(config, root, overrides));
    if (!given) track(() => first.close());
    const { keys, runtime, bobbReady, prestarted } = first;
    const apiUrl = `http://${config.env.BOBB_API_HOST}:${config.env.BOBB_API_PORT}`;

    const registry = openRegistry(config, root);
    await registry.open();
    track(() => registry.close());

    const admin = await ensureAdminKey(config.dataDir, config.env.BOBB_API_KEY);
    keys.register(admin.key, "admin", "admin");

    const discord = await discordTarget(config, root);
    track(() => discord.close());

    const files = new TemplateAgentFiles(config.agentsDir, root.logger, path.join(PROJECT_ROOT, "agents"));
    const turns = new TurnTracker(Date.now, config.env.BOBB_PROMPT_TIMEOUT, config.env.BOBB_TURN_POST_LIMIT);
    const governor = new ChannelGovernor({
      botTurnCap: config.env.BOBB_BOT_TURN_CAP,
      pairBudget: config.env.BOBB_PAIR_BUDGET,
      globalPairBudget: config.env.BOBB_PAIR_BUDGET_ALL,
      pairWindowMs: config.env.BOBB_PAIR_WINDOW,
      cooldownMs: config.env.BOBB_GOVERNOR_COOLDOWN,
    });
    // BoBB's user id is known once its bot is online (the bot manager below).
    // Rebuilt when the registry snapshot is replaced (every change) or BoBB's user id changes.
    const directory = new BotDirectory(
      (): KnownBot[] => knownBots(registry, bots.get("bobb")?.client.user.id),
      () => [registry.snapshot, bots.get("bobb")?.client.user.id],
    );
    const notes = new NoteBoard();
    const intake = new TokenIntake({
      registry,
      logger: root.logger,
      apiUrl: discord.endpoints.apiUrl,
      apiVersion: discord.endpoints.apiVersion,
      // discord.com issues only its own token shape: anything else is refused without spending a request.
      tokenShapes: new URL(discord.endpoints.apiUrl).hostname === "discord.com" ? "discord" : "any",
      inviteUrl: discord.inviteUrl,
      notes,
      checksPerMinute: config.env.BOBB_TOKEN_CHECKS_PER_MINUTE,
      // The reconciler is made below; a token arrives only once the bots are online.
      activations: () => reconciler,
    });
    // The token form: "Submit token" under BoBB's steps, and the buttons and modal answered on BoBB's client.
    const forms = tokenForms({ registry, intake, logger: root.logger });
    const outbox = new Outbox({ logger: root.logger, windowMs: config.env.BOBB_REPLY_RETRY_WINDOW });
    const shared = new SharedMessages();
    // Lease mode: the last seen messages are in PostgreSQL, so a host taking a bot over reads what it missed in the move.
    const lastSeen = config.env.BOBB_DATABASE_URL
      ? new PgLastSeenStore({ url: config.env.BOBB_DATABASE_URL, fenceOf: (id) => fleet?.leases.fenceOf(id), logger: root.logger })
      : undefined;
    const conversations = new Conversations({
      brain: runtime,
      shared,
      outbox,
      governor,
      directory,
      turns,
      logger: root.logger,
      notes,
      // Pause notices and stop acknowledgements come from BoBB where it is in the channel.
      // Several hosts see each stop word: one acknowledges it, BoBB's host where BoBB is in the channel.
      system: new SystemVoice(
        () => bots.get("bobb")?.client,
        (messageId, asBobb) => fleet?.stops.claimAck(messageId, asBobb) ?? Promise.resolve(true),
      ),
      // Every bot guards the channels it sees; another bot may delete a token this one may not.
      intercept: (bot, message) =>
        intake.handle(
          bot.spec.agentId,
          intakeMessage(message, () => bots.list().map((b) => b.client)),
        ),
      replyButtons: (turn) => forms.replyButtons(turn),
      waitingLimit: config.env.BOBB_WAITING_LIMIT,
      autoThread: autoThreadGuilds(config.env.BOBB_AUTO_THREAD),
      attachments: {
        textBytes: config.env.BOBB_ATTACHMENT_TEXT_LIMIT,
        imageBytes: config.env.BOBB_ATTACHMENT_IMAGE_LIMIT,
        timeoutMs: config.env.BOBB_ATTACHMENT_TIMEOUT,
      },
      resume: { dataDir: config.dataDir, windowMs: config.env.BOBB_RESUME_WINDOW, missedLimit: config.env.BOBB_RESUME_MESSAGES, lastSeen },
    });
    await Promise.all([conversations.open(), lastSeen?.load()]);
    // Several hosts (BOBB_DATABASE_URL): this host runs only the agents it holds a lease on, BoBB included.
    const fleet = createFleet(config, root, {
      stop: (agentId) => (agentId === "bobb" ? bots.stop("bobb") : reconciler.leaseLost(agentId)),
      onStop: (channelId, authorId) => void conversations.stopChannel(channelId, authorId),
    });
    // A bot that leaves this host: whoever runs it next reads its last seen messages anew (this host too, later).
    fleet?.leases.on("lost", (agentId) => conversations.stopped(agentId));
    // The rooms listener for outside agents: its own port, never the tool API's. The Discord side
    // (posting through webhooks, feeding channel messages in) attaches to roomsCore.rooms.
    const bobbClient = () => bots.get("bobb")?.client;
    const roomsCore = await startRooms({
      dataDir: config.dataDir,
      host: config.env.BOBB_ROOMS_HOST,
      port: config.env.BOBB_ROOMS_PORT,
      publicUrl: config.env.BOBB_PUBLIC_URL,
      // With BOBB_DATABASE_URL the rooms live in PostgreSQL beside the registry; else data/rooms.json.
      ...(config.env.BOBB_DATABASE_URL ? { store: new PgRoomStore({ url: config.env.BOBB_DATABASE_URL }) } : {}),
      limits: roomLimits(config.env),
      logger: root.logger,
      reservedNames: (channelId) => [...directory.all().map((b) => b.name), ...peopleNames(bobbClient(), channelId)],
      // The child bots in the channel's server, each an A2A agent of the room (BoBB is not one).
      botsOf: async (channelId) => roomBots(await rooms.botsIn(channelId), registry),
    });
    track(() => roomsCore.close());
    // Outside agents in rooms: their posts through channel webhooks, every channel message back to them.
    const rooms: RoomsDiscord = createRoomsDiscord({ port: overrides.rooms ?? roomsCore.rooms, bobb: bobbClient, directory, logger: root.logger });
    track(async () => rooms.close());
    const reservedPorts = new Set([config.env.BOBB_API_PORT, config.env.BOBB_OPENCODE_PORT, config.env.SANDBOX_PORT, config.env.BOBB_ROOMS_PORT]);
    // One code path for the tool API's writes and BoBB's slash commands (validation, owner rules, change limit).
    const writes = new AgentWrites({
      registry,
      files,
      discord: () => actions,
      reservedPorts,
      removals: () => reconciler,
      changesPerHour: config.env.BOBB_CHANGE_LIMIT,
    });
    const commands = createBobbCommands({
      writes,
      registry: () => registry.snapshot,
      // A prompt outside any live turn: tool calls the model might make in it are refused (no live turn).
      writePersona: async (name, person, signal) =>
        (await runtime.prompt("bobb", `persona-${person.id}`, personaPrompt(name, person), { signal, usedTools: false })).text,
      inviteUrl: discord.inviteUrl,
      portalUrl: discord.sandbox ? `${discord.sandbox.url}/portal` : portalUrl(discord.endpoints),
      stopChannel: (channelId, authorId) => {
        rooms?.stopped(channelId, { id: authorId, name: bots.get("bobb")?.client.users.cache.get(authorId)?.username ?? authorId });
        void fleet?.stops.send(channelId, authorId);
        return conversations.stopChannel(channelId, authorId);
      },
      rooms: rooms?.commands,
      tokenRefusal: (agentId, userId) => intake.formRefusal(agentId, userId),
      agentName: (agentId) => (agentId === "bobb" ? "BoBB" : (registry.snapshot.agents[agentId]?.name ?? agentId)),
      logger: root.logger,
    });
    // The token form's buttons (under BoBB's steps) and its modal go through the same router.
    const tokenHandlers = forms.handlers();
    const tokenInteraction = async (i: Interaction) => void (await handleTokenInteraction(i, tokenHandlers));
    commands.router.registerComponentHandler(TOKEN_BUTTON_PREFIX, tokenInteraction);
    commands.router.registerModalHandler(TOKEN_MODAL_PREFIX, tokenInteraction);
    rooms?.register(commands.router);
    // Only BoBB registers and answers commands; child bots never clutter the command picker.
    const isBobb = (bot: { spec: { agentId: string } }) => bot.spec.agentId === "bobb";
    const bots: BotManager = new BotManager({
      logger: root.logger,
      apiUrl: discord.apiUrl,
      apiVersion: discord.endpoints.apiVersion,
      loginSpacingMs: config.env.BOBB_LOGIN_SPACING,
      restarts: { limit: config.env.BOBB_CLIENT_RESTART_LIMIT },
      onMessage: (bot, message) => {
        // A bot whose lease this host may have lost (a long pause) reads nothing more: another host may run it.
        if (fleet && !fleet.leases.holds(bot.spec.agentId)) return Promise.resolve();
        rooms?.observe(message);
        return conversations.handle(bot, message);
      },
      onReady: async (bot) => {
        await Promise.all([conversations.resume(bot), isBobb(bot) ? commands.ready(bot.client) : undefined, isBobb(bot) ? rooms.ready(bot.client) : undefined]);
      },
      onInteraction: async (bot, interaction) => (isBobb(bot) ? commands.handle(interaction) : undefined),
      // BoBB reads every message (commands, rooms, token intake); a child bot's client only what is about it.
      sharing: { messages: shared, full: (agentId) => agentId === "bobb", skipped: (agentId, channelId, id) => conversations.seen(agentId, channelId, id) },
    });
    track(() => bots.close());
    // Closed before the bots log out (closers run in reverse): first stop accepting, keep what is pending for
    // the restart and abort the turns in flight; then give up (and log) replies still waiting for Discord.
    track(() => outbox.close());
    track(() => conversations.close());
    const actions = new BotActions(bots, directory, turns, (channelId, name) => rooms?.agentNamed(channelId, name) ?? Promise.resolve(undefined));

    // Activation listens to the registry, the bots and the runtime itself; signal files are for outside writers.
    // The API's DELETE route waits on it for the removal's report.
    const setup = new AppSetup(discord.apiUrl, root.logger);
    const reconciler = new Reconciler({ registry, runtime, bots, keys, files, setup, logger: root.logger, ...(fleet ? { leases: fleet.leases } : {}) });
    track(() => reconciler.close());
    const api = createApi({
      registry,
      keys,
      files,
      logger: root.logger,
      discord: () => actions,
      // The turn binding: the session a tool call came from → the prompt running in it → that prompt's live turn.
      turns: (agentId, sessionId) => {
        const turnId = runtime.turnOf(agentId, sessionId);
        const turn = turnId ? turns.byId(turnId) : undefined;
        return turn?.agentId === agentId ? turn : undefined;
      },
      sessionAgent: (sessionId) => runtime.agentOfSession(sessionId),
      removals: () => reconciler,
      changesPerHour: config.env.BOBB_CHANGE_LIMIT,
      reservedPorts,
      writes,
      rooms: () => roomsCore.rooms,
      channelInfo: async (channelId) => channelInfoOf(bobbClient(), channelId),
    });
    await api.listen({ host: config.env.BOBB_API_HOST, port: config.env.BOBB_API_PORT });
    track(() => api.close());
    log.info({ url: apiUrl, registry: registry.location }, `tool API listening on ${apiUrl}`);
    if (admin.file) log.info(`admin API key written to ${admin.file}`);

    const watcher = new SignalWatcher(path.join(config.dataDir, "signals"), (agentId, reason) => void reconciler.signal(agentId, reason), root.logger);
    await watcher.start();
    track(() => watcher.close());

    // BoBB's OpenCode directory (started first), BoBB's login and the restore of every active bot run together;
    // messages that arrive early wait for their agent's OpenCode server. In lease mode BoBB logs in only on the host holding its lease.
    const startBobb = () => Promise.all([bobbReady, bots.start({ agentId: "bobb", name: "BoBB", token: discord.bobbToken })]);
    if (fleet) {
      first.useFence((agentId) => fleet.leases.fenceOf(agentId));
      await Promise.all([startFleet(fleet, { startBobb, stopBobb: () => bots.stop("bobb"), reconciler, registry, track, logger: log }), prestarted]);
    } else await Promise.all([startBobb(), reconciler.restoreAll(), prestarted]);
    overrides.signal?.throwIfAborted();
    overrides.signal?.removeEventListener("abort", onAbort);
    return { apiUrl, adminKeyFile: admin.file, discord, registry, bots, reconciler, runtime, rooms: roomsCore, close };
  } catch (err) {
    overrides.signal?.removeEventListener("abort", onAbort);
    await close();
    throw err;
  }
}

/** The registry: in PostgreSQL when BOBB_DATABASE_URL is set (several hosts), else registry.json. */
function openRegistry(config: Config, root: RootLogger): RegistryPort {
  const firstPort = config.env.BOBB_CHILD_PORT_START;
  const url = config.env.BOBB_DATABASE_URL;
  if (!url) return new RegistryStore({ file: config.registryPath, firstPort, logger: root.logger });
  const password = URL.canParse(url) ? decodeURIComponent(new URL(url).password) : "";
  if (password) root.secrets.add(password);
  return new PgRegistryStore({ url, firstPort, logger: root.logger });
}

/** BoBB plus every registry agent that has a Discord user. */
function knownBots(registry: RegistryPort, bobbUserId: string | undefined): KnownBot[] {
  const bots: KnownBot[] = [{ agentId: "bobb", name: "BoBB", userId: bobbUserId }];
  for (const agent of Object.values(registry.snapshot.agents)) {
    bots.push({ agentId: agent.id, name: agent.name, userId: agent.discord_user_id ?? undefined });
  }
  return bots;
}

// The Discord side matches the runtime's failure codes through its own port (discord/ never imports
// opencode/): a code added to, renamed in or missing from either union fails type-checking here.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _brainCodesMatchBridge: Same<BrainErrorCode, BridgeErrorCode> = true;
// The operator's room routes map the rooms side's codes by name (api/ never imports rooms/): every
// code the API knows for rooms must be one the rooms side has.
const _roomsAdminCodesExist: [RoomsAdminCode] extends [RoomsErrorCode] ? true : false = true;
