import { z } from "zod";
import { Intent } from "./events.js";
import type { ApplicationRecord, GuildRecord, UserRecord } from "./model.js";
import { memberPayload, userPayload } from "./payloads.js";
import type { SandboxStore } from "./store.js";

// Payload shapes and parsing for the gateway, kept apart from the connection handling.

export const identifySchema = z
  .object({
    token: z.string(),
    intents: z.number().int(),
    shard: z.tuple([z.number().int(), z.number().int()]).optional(),
    presence: z.object({ status: z.string().optional() }).loose().optional(),
  })
  .loose();
export const resumeSchema = z.object({ token: z.string(), session_id: z.string(), seq: z.number().int().nullable() });
export const presenceSchema = z.object({ status: z.string() }).loose();
export const membersSchema = z
  .object({
    guild_id: z.union([z.string(), z.array(z.string())]),
    user_ids: z.union([z.string(), z.array(z.string())]).optional(),
    query: z.string().optional(),
    limit: z.number().int().optional(),
    nonce: z.string().optional(),
  })
  .loose();

/** The READY dispatch body discord.js needs: user, unavailable guild stubs, session, resume URL, application. */
export function readyPayload(
  user: UserRecord,
  app: ApplicationRecord,
  sessionId: string,
  guilds: readonly GuildRecord[],
  resumeUrl: string,
  shard: [number, number],
): Record<string, unknown> {
  return {
    v: 10,
    user: { ...userPayload(user), verified: true, mfa_enabled: false, email: null },
    guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
    session_id: sessionId,
    session_type: "normal",
    resume_gateway_url: resumeUrl,
    shard,
    application: { id: app.id, flags: applicationFlags(app) },
    private_channels: [],
    relationships: [],
    presences: [],
    guild_join_requests: [],
    geo_ordered_rtc_regions: [],
    user_settings: {},
    auth: {},
    _trace: ["sandbox"],
  };
}

/** GUILD_MEMBERS_CHUNK bodies answering op 8 (one chunk per guild the requester is in). */
export function memberChunks(store: SandboxStore, requesterId: string, intents: number, d: z.infer<typeof membersSchema>): Record<string, unknown>[] {
  const userIds = d.user_ids === undefined ? null : [d.user_ids].flat();
  const query = (d.query ?? "").toLowerCase();
  return [d.guild_id].flat().flatMap((guildId) => {
    const guild = store.guilds.get(guildId);
    if (!guild?.members.some((m) => m.userId === requesterId)) return [];
    // Listing everyone needs the members intent, as on Discord; asking for given ids does not.
    const members = guild.members.filter((m) => {
      if (userIds) return userIds.includes(m.userId);
      if (!(intents & Intent.GuildMembers)) return false;
      return store.users.get(m.userId)?.username.toLowerCase().startsWith(query) ?? false;
    });
    const limited = d.limit ? members.slice(0, d.limit) : members;
    return [
      {
        guild_id: guild.id,
        members: limited.map((m) => memberPayload(m, store.users.get(m.userId))),
        chunk_index: 0,
        chunk_count: 1,
        not_found: userIds ? userIds.filter((id) => !members.some((m) => m.userId === id)) : [],
        ...(d.nonce ? { nonce: d.nonce } : {}),
      },
    ];
  });
}

/** The privileged intents an application has switched on, as intent bits. */
export function allowedPrivileged(app: ApplicationRecord): number {
  return (
    (app.messageContentIntent ? Intent.MessageContent : 0) | (app.membersIntent ? Intent.GuildMembers : 0) | (app.presenceIntent ? Intent.GuildPresences : 0)
  );
}

/** Application flags Discord sets for apps under 100 guilds with privileged intents enabled (the "_LIMITED" ones). */
export function applicationFlags(app: ApplicationRecord): number {
  return (app.presenceIntent ? 1 << 13 : 0) | (app.membersIntent ? 1 << 15 : 0) | (app.messageContentIntent ? 1 << 19 : 0);
}
