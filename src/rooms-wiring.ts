import type { Client } from "discord.js";
import type { Env } from "./config/index.js";
import type { RegistryPort } from "./registry/index.js";
import { personaSummary, type RoomBot, type RoomLimits } from "./rooms/index.js";

/** The rooms side's limits from the environment (src/config/schema.ts). */
export function roomLimits(env: Readonly<Env>): RoomLimits {
  return {
    inviteTtlMs: env.BOBB_ROOM_INVITE_TTL,
    codeTtlMs: env.BOBB_ROOM_CODE_TTL,
    messagesPerMinute: env.BOBB_ROOM_MESSAGES_PER_MINUTE,
    messageBytes: env.BOBB_ROOM_MESSAGE_BYTES,
    agentsPerRoom: env.BOBB_ROOM_AGENTS,
    invitesPerRoom: env.BOBB_ROOM_INVITES,
    pollIntervalMs: env.BOBB_ROOM_POLL_INTERVAL,
    joinTimeoutMs: 5000,
    pingIntervalMs: env.BOBB_ROOM_PING_INTERVAL,
    bufferSize: env.BOBB_ROOM_BUFFER,
    pollingWindowMs: 60_000,
    settleTimeoutMs: 10_000,
    answerTimeoutMs: 120_000,
    botTurnCap: env.BOBB_BOT_TURN_CAP,
  };
}

/** A guild channel BoBB's client sees: its guild and name (for opening it as a room). */
export function channelInfoOf(client: Client | undefined, channelId: string): { id: string; guild_id: string; name: string } | undefined {
  const channel = client?.channels.cache.get(channelId);
  if (!channel || channel.isDMBased() || !("guildId" in channel)) return undefined;
  return { id: channel.id, guild_id: channel.guildId, name: channel.name };
}

/** The people BoBB knows in a channel's guild (display, global and user names): outside agents may not take them. */
export function peopleNames(client: Client | undefined, channelId: string): string[] {
  const channel = client?.channels.cache.get(channelId);
  if (!channel || channel.isDMBased() || !("guild" in channel)) return [];
  return [...channel.guild.members.cache.values()].flatMap((m) => [m.displayName, m.user.username, m.user.globalName ?? ""].filter((n) => n !== ""));
}

/** The registry's child bots among the bots in a channel (id = Discord user id), with what their persona says first. */
export function roomBots(inChannel: ReadonlyArray<{ id: string; name: string }>, registry: RegistryPort): RoomBot[] {
  const here = new Set(inChannel.map((b) => b.id));
  return Object.values(registry.snapshot.agents)
    .filter((a) => a.discord_user_id && here.has(a.discord_user_id))
    .map((a) => ({ id: a.id, name: a.name, userId: a.discord_user_id!, description: personaSummary(a.persona) }));
}
