import { OptionType } from "./command-validation.js";
import type { Commands } from "./commands.js";
import { SandboxError } from "./errors.js";
import type { ChannelRecord, CommandRecord } from "./model.js";
import { channelPayload, memberPayload, rolePayload, userPayload } from "./payloads.js";
import { guildPermissions } from "./permissions.js";
import type { SandboxStore } from "./store.js";

// Turns a person's "/bobb create name:… persona:…" (the control API's `command` string and an
// options object) into the `data` of an APPLICATION_COMMAND interaction, resolved against the
// commands registered for the channel's guild (or, in a DM, the bot's global commands).

type Json = Record<string, unknown>;

/** What a person ran: "name [group] [subcommand]" and the leaf options by name. */
export interface Invocation {
  userId: string;
  channelId: string;
  command: string;
  options?: Record<string, unknown> | undefined;
  /** Picks the app when two apps registered the same name. */
  applicationId?: string | undefined;
}

/** The resolved command and the interaction `data` for it. */
export interface ResolvedInvocation {
  command: CommandRecord;
  /** The full name for the message's interaction metadata, e.g. "bobb create". */
  name: string;
  data: Json;
}

const bad = (code: string, message: string) => new SandboxError(400, code, message);
const names = (options: Json[]) => options.map((o) => String(o["name"])).join(", ") || "none";

/** Finds the command for `invocation` in `channel` and builds the interaction data; errors name what was wrong. */
export function resolveInvocation(store: SandboxStore, commands: Commands, channel: ChannelRecord, invocation: Invocation): ResolvedInvocation {
  const parts = invocation.command.trim().replace(/^\//, "").split(/\s+/).filter(Boolean);
  const [name, ...path] = parts;
  if (!name) throw bad("invalid_command", 'command must be "name [group] [subcommand]", e.g. "bobb create"');
  const dmBot = channel.type === 1 ? channel.recipientIds.find((id) => store.users.get(id)?.bot) : undefined;
  const candidates = commands
    .usableIn(channel.guildId)
    .map((entry) => entry.command)
    .filter((c) => c.type === 1 && c.name === name)
    .filter((c) => !dmBot || (c.guildId === null && store.applications.get(c.applicationId)?.botUserId === dmBot))
    .filter((c) => !invocation.applicationId || c.applicationId === invocation.applicationId);
  // A guild command shadows nothing on Discord (both show); prefer the guild one only to break a tie within one app.
  const apps = new Set(candidates.map((c) => c.applicationId));
  if (candidates.length === 0) {
    const where = channel.guildId ? `guild ${channel.guildId}` : "this DM";
    throw new SandboxError(404, "unknown_command", `no slash command /${name} is registered for ${where}`);
  }
  if (apps.size > 1) throw bad("ambiguous_command", `/${name} is registered by several apps (${[...apps].join(", ")}); pass application_id`);
  const command = candidates.find((c) => c.guildId !== null) ?? candidates[0]!;

  let level: Json[] = command.options;
  const chain: { type: number; name: string }[] = [];
  for (const part of path) {
    const sub = level.find((o) => o["name"] === part && (o["type"] === OptionType.Subcommand || o["type"] === OptionType.SubcommandGroup));
    if (!sub) throw bad("unknown_subcommand", `/${[name, ...chain.map((c) => c.name)].join(" ")} has no subcommand "${part}" (it has: ${names(level)})`);
    chain.push({ type: Number(sub["type"]), name: part });
    level = (sub["options"] as Json[] | undefined) ?? [];
  }
  const last = chain.at(-1);
  if (level.some((o) => o["type"] === OptionType.Subcommand || o["type"] === OptionType.SubcommandGroup) || last?.type === OptionType.SubcommandGroup) {
    throw bad("missing_subcommand", `/${[name, ...chain.map((c) => c.name)].join(" ")} needs a subcommand: ${names(level)}`);
  }

  const given = invocation.options ?? {};
  for (const key of Object.keys(given)) {
    if (!level.some((o) => o["name"] === key)) throw bad("unknown_option", `/${parts.join(" ")} has no option "${key}" (it has: ${names(level)})`);
  }
  const resolved: Record<string, Json> = {};
  const leaf: Json[] = [];
  for (const option of level) {
    const key = String(option["name"]);
    const raw = given[key];
    if (raw === undefined || raw === null) {
      if (option["required"] === true) throw bad("missing_option", `/${parts.join(" ")} needs option "${key}"`);
      continue;
    }
    const value = coerce(store, channel, option, raw, resolved, `/${parts.join(" ")} ${key}`);
    leaf.push({ name: key, type: option["type"], value });
  }
  let options: Json[] = leaf;
  for (const step of [...chain].reverse()) options = [{ name: step.name, type: step.type, options }];
  const data: Json = {
    id: command.id,
    name: command.name,
    type: 1,
    ...(command.guildId ? { guild_id: command.guildId } : {}),
    ...(options.length > 0 ? { options } : {}),
    ...(Object.keys(resolved).length > 0 ? { resolved } : {}),
  };
  return { command, name: parts.join(" "), data };
}

/** Checks and converts one option value, filling `resolved` for users, channels and roles. */
function coerce(store: SandboxStore, channel: ChannelRecord, option: Json, given: unknown, resolved: Record<string, Json>, label: string): unknown {
  const type = option["type"];
  const choices = option["choices"] as Json[] | undefined;
  // A person picks a choice by its name in the client; the app gets its value.
  const raw = choices?.find((c) => c["name"] === given)?.["value"] ?? given;
  const invalid = (why: string) => bad("invalid_option", `${label}: ${why}`);
  const add = (kind: string, id: string, json: Json) => ((resolved[kind] ??= {})[id] = json);
  let value: unknown;
  switch (type) {
    case OptionType.String: {
      if (typeof raw !== "string" && typeof raw !== "number") throw invalid("expected text");
      const text = String(raw);
      const min = option["min_length"] as number | undefined;
      const max = (option["max_length"] as number | undefined) ?? 6000;
      if (text.length > max || (min !== undefined && text.length < min)) throw invalid(`length must be ${min ?? 0}-${max}`);
      value = text;
      break;
    }
    case OptionType.Integer:
    case OptionType.Number: {
      const number = typeof raw === "string" && raw.trim() !== "" ? Number(raw) : raw;
      if (typeof number !== "number" || !Number.isFinite(number) || (type === OptionType.Integer && !Number.isInteger(number))) {
        throw invalid(type === OptionType.Integer ? "expected a whole number" : "expected a number");
      }
      const min = option["min_value"] as number | undefined;
      const max = option["max_value"] as number | undefined;
      if ((min !== undefined && number < min) || (max !== undefined && number > max)) throw invalid(`must be between ${min ?? "-∞"} and ${max ?? "∞"}`);
      value = number;
      break;
    }
    case OptionType.Boolean:
      if (raw === true || raw === "true") value = true;
      else if (raw === false || raw === "false") value = false;
      else throw invalid("expected true or false");
      break;
    case OptionType.User:
    case OptionType.Mentionable: {
      const id = String(raw);
      const user = store.users.get(id);
      const role = channel.guildId ? store.guilds.get(channel.guildId)?.roles.find((r) => r.id === id) : undefined;
      if (user) {
        add("users", id, userPayload(user));
        const member = channel.guildId ? store.member(channel.guildId, id) : undefined;
        if (member) add("members", id, { ...memberPayload(member, undefined), permissions: guildPermissions(store, channel.guildId!, id).toString() });
      } else if (role && type === OptionType.Mentionable) {
        add("roles", id, rolePayload(role));
      } else {
        throw invalid(`no ${type === OptionType.User ? "user" : "user or role"} ${id}`);
      }
      value = id;
      break;
    }
    case OptionType.Role: {
      const id = String(raw);
      const role = channel.guildId ? store.guilds.get(channel.guildId)?.roles.find((r) => r.id === id) : undefined;
      if (!role) throw invalid(`no role ${id} in this guild`);
      add("roles", id, rolePayload(role));
      value = id;
      break;
    }
    case OptionType.Channel: {
      const id = String(raw);
      const target = store.channels.get(id);
      if (!target || target.guildId !== channel.guildId) throw invalid(`no channel ${id} in this guild`);
      const json = channelPayload(store, target);
      add("channels", id, { id, name: json["name"], type: json["type"], permissions: "0" });
      value = id;
      break;
    }
    default:
      throw invalid(`option type ${String(type)} is not emulated`);
  }
  if (choices && choices.length > 0 && !choices.some((c) => c["value"] === value)) {
    throw invalid(`must be one of ${choices.map((c) => `${String(c["name"])} (${JSON.stringify(c["value"])})`).join(", ")}`);
  }
  return value;
}
