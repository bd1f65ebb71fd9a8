import { DiscordError, discordErrors, fieldError } from "./errors.js";
import type { SandboxContext } from "./events.js";
import type { CommandRecord } from "./model.js";
import { validateCommand, type CommandInput } from "./command-validation.js";

// Application commands per scope (global, or one guild) with Discord's limits: 100 chat-input and
// 5 each of user and message commands per scope, and a cap on creates per day per scope
// (Discord's 200; configurable so tests need not make 200 commands).

type Json = Record<string, unknown>;

/** Limits on command registration. */
export interface CommandLimits {
  /** New commands per scope (guild, or global) per 24 hours; Discord's is 200. */
  dailyCreates: number;
}

const PER_TYPE_LIMIT: Record<number, number> = { 1: 100, 2: 5, 3: 5 };
const DAY_MS = 24 * 60 * 60 * 1000;

export const commandErrors = {
  unknownCommand: () => new DiscordError(404, 10063, "Unknown application command"),
  tooMany: () => new DiscordError(400, 30032, "Maximum number of application commands reached (100)"),
  dailyCreates: (limit: number) => new DiscordError(400, 30034, `Max number of daily application command creates has been reached (${limit})`),
  notYourApp: () => new DiscordError(403, 20012, "You are not authorized to perform this action on this application"),
  unknownApplication: () => new DiscordError(404, 10002, "Unknown Application"),
};

/** Registered application commands and the REST operations on them. */
export class Commands {
  readonly #creates = new Map<string, number[]>();

  constructor(
    private readonly ctx: SandboxContext,
    private readonly limits: CommandLimits,
  ) {}

  /** Checks that the bot `actorId` may manage commands of `applicationId` in `guildId` (null: global). */
  authorize(actorId: string, applicationId: string, guildId: string | null): void {
    const app = this.ctx.store.applications.get(applicationId);
    if (!app) throw commandErrors.unknownApplication();
    if (app.botUserId !== actorId) throw commandErrors.notYourApp();
    if (guildId === null) return;
    const guild = this.ctx.store.guilds.get(guildId);
    if (!guild) throw discordErrors.unknownGuild();
    if (!guild.members.some((m) => m.userId === actorId)) throw discordErrors.missingAccess();
  }

  /** Commands of one scope, in creation order. */
  list(applicationId: string, guildId: string | null): CommandRecord[] {
    return [...this.ctx.store.commands.values()].filter((c) => c.applicationId === applicationId && c.guildId === guildId);
  }

  get(applicationId: string, guildId: string | null, commandId: string): CommandRecord {
    const command = this.ctx.store.commands.get(commandId);
    if (!command || command.applicationId !== applicationId || command.guildId !== guildId) throw commandErrors.unknownCommand();
    return command;
  }

  /** POST: creates the command, or overwrites the one with the same name and type (then `created` is false). */
  create(applicationId: string, guildId: string | null, body: unknown): { command: CommandRecord; created: boolean } {
    const input = validateCommand(body);
    const scope = this.list(applicationId, guildId);
    const existing = scope.find((c) => c.name === input.name && c.type === input.type);
    if (existing) return { command: this.#apply(existing, input), created: false };
    if (scope.filter((c) => c.type === input.type).length >= (PER_TYPE_LIMIT[input.type] ?? 0)) throw commandErrors.tooMany();
    this.#takeCreates(applicationId, guildId, 1);
    const command = this.#record(applicationId, guildId, input);
    this.ctx.store.commands.set(command.id, command);
    this.ctx.store.touch();
    this.#changed(applicationId, guildId);
    return { command, created: true };
  }

  /** PATCH: the given fields replace the command's; the result is validated as a whole. */
  edit(applicationId: string, guildId: string | null, commandId: string, body: unknown): CommandRecord {
    const command = this.get(applicationId, guildId, commandId);
    const patch = body && typeof body === "object" ? (body as Json) : {};
    const merged = { ...commandPayload(command), ...patch, type: command.type };
    const input = validateCommand(merged);
    const clash = this.list(applicationId, guildId).find((c) => c.id !== command.id && c.name === input.name && c.type === input.type);
    if (clash)
      throw discordErrors.invalidFormBody(fieldError(["name"], "APPLICATION_COMMAND_ALREADY_EXISTS", "An application command with that name already exists"));
    return this.#apply(command, input);
  }

  delete(applicationId: string, guildId: string | null, commandId: string): void {
    const command = this.get(applicationId, guildId, commandId);
    this.ctx.store.commands.delete(command.id);
    this.ctx.store.touch();
    this.#changed(applicationId, guildId);
  }

  /** PUT: replaces the scope's commands; same-named commands keep their ids, new names count as creates. */
  overwrite(applicationId: string, guildId: string | null, body: unknown): CommandRecord[] {
    if (!Array.isArray(body)) throw discordErrors.invalidFormBody(fieldError([], "BASE_TYPE_ARRAY", "Could not interpret value as array."));
    const inputs = body.map((entry, i) => validateCommand(entry, [i]));
    const keys = new Set<string>();
    inputs.forEach((input, i) => {
      const key = `${input.type}:${input.name}`;
      if (keys.has(key))
        throw discordErrors.invalidFormBody(fieldError([i, "name"], "APPLICATION_COMMANDS_DUPLICATE_NAME", "Application command names must be unique"));
      keys.add(key);
    });
    for (const [type, limit] of Object.entries(PER_TYPE_LIMIT)) {
      if (inputs.filter((i) => i.type === Number(type)).length > limit) throw commandErrors.tooMany();
    }
    const scope = this.list(applicationId, guildId);
    const find = (input: CommandInput) => scope.find((c) => c.name === input.name && c.type === input.type);
    this.#takeCreates(applicationId, guildId, inputs.filter((input) => !find(input)).length);
    const kept = new Set<string>();
    const result = inputs.map((input) => {
      const existing = find(input);
      if (existing) {
        kept.add(existing.id);
        return this.#apply(existing, input, false);
      }
      const command = this.#record(applicationId, guildId, input);
      this.ctx.store.commands.set(command.id, command);
      return command;
    });
    for (const command of scope) if (!kept.has(command.id)) this.ctx.store.commands.delete(command.id);
    this.ctx.store.touch();
    this.#changed(applicationId, guildId);
    return result;
  }

  /** Every command usable in a guild: its guild commands and the global ones of apps whose bot is a member. */
  usableIn(guildId: string | null): { command: CommandRecord; scope: "guild" | "global" }[] {
    const guild = guildId ? this.ctx.store.guilds.get(guildId) : undefined;
    const out: { command: CommandRecord; scope: "guild" | "global" }[] = [];
    for (const command of this.ctx.store.commands.values()) {
      if (guildId && command.guildId === guildId) out.push({ command, scope: "guild" });
      if (command.guildId === null) {
        const bot = this.ctx.store.applications.get(command.applicationId)?.botUserId;
        if (!guild || guild.members.some((m) => m.userId === bot)) out.push({ command, scope: "global" });
      }
    }
    return out;
  }

  #record(applicationId: string, guildId: string | null, input: CommandInput): CommandRecord {
    const id = this.ctx.ids.next();
    return { id, applicationId, guildId, ...input, version: id };
  }

  #apply(command: CommandRecord, input: CommandInput, announce = true): CommandRecord {
    const before = JSON.stringify(commandPayload(command));
    Object.assign(command, input);
    if (JSON.stringify(commandPayload(command)) !== before) command.version = this.ctx.ids.next();
    this.ctx.store.touch();
    if (announce) this.#changed(command.applicationId, command.guildId);
    return command;
  }

  #takeCreates(applicationId: string, guildId: string | null, count: number): void {
    if (count === 0) return;
    const key = `${applicationId}:${guildId ?? "global"}`;
    const since = this.ctx.now() - DAY_MS;
    const recent = (this.#creates.get(key) ?? []).filter((t) => t > since);
    if (recent.length + count > this.limits.dailyCreates) {
      this.#creates.set(key, recent);
      throw commandErrors.dailyCreates(this.limits.dailyCreates);
    }
    for (let i = 0; i < count; i++) recent.push(this.ctx.now());
    this.#creates.set(key, recent);
  }

  // Humans' clients (the web chat's command picker) re-read the commands; bots get no event, as on Discord.
  #changed(applicationId: string, guildId: string | null): void {
    this.ctx.bus.emit({
      t: "APPLICATION_COMMANDS_UPDATE",
      d: { application_id: applicationId, guild_id: guildId },
      guildId: null,
      userIds: [],
      intent: 0,
      observersOnly: true,
    });
  }
}

/** The application command object as Discord returns it. */
export function commandPayload(command: CommandRecord): Json {
  return {
    id: command.id,
    application_id: command.applicationId,
    version: command.version,
    default_member_permissions: command.defaultMemberPermissions,
    type: command.type,
    name: command.name,
    name_localizations: null,
    description: command.description,
    description_localizations: null,
    ...(command.guildId ? { guild_id: command.guildId } : {}),
    ...(command.guildId ? {} : { dm_permission: command.contexts === null || command.contexts.includes(1) }),
    contexts: command.contexts,
    integration_types: [0],
    nsfw: command.nsfw,
    options: command.options,
  };
}
