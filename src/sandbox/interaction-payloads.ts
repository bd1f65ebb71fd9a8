import type { ModalRecord } from "./components.js";
import type { ChannelRecord } from "./model.js";
import { channelPayload, memberPayload, userPayload } from "./payloads.js";
import { guildPermissions } from "./permissions.js";
import type { SandboxStore } from "./store.js";

// The INTERACTION_CREATE body Discord sends, in the shape discord.js 14 parses: every field its
// BaseInteraction reads is present (entitlements as an array, channel as an object, member with
// permissions in a guild, user in a DM).

type Json = Record<string, unknown>;

/** Interaction types the sandbox sends. */
export const InteractionType = { ApplicationCommand: 2, MessageComponent: 3, ModalSubmit: 5 } as const;

/** Discord's upload limit for a guild without boosts, sent as `attachment_size_limit`. */
const ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024;

/** Who, where and what: the fields every interaction of the sandbox has. */
export interface InteractionBase {
  id: string;
  token: string;
  type: number;
  applicationId: string;
  botUserId: string;
  userId: string;
  channel: ChannelRecord;
}

/** The INTERACTION_CREATE `d` for an interaction with the given `data` (and `message` for components and modals on one). */
export function interactionPayload(store: SandboxStore, base: InteractionBase, data: Json, message?: Json): Json {
  const { channel } = base;
  const user = store.users.get(base.userId);
  const userJson = user ? userPayload(user) : { id: base.userId };
  const guildId = channel.guildId;
  const member = guildId ? store.member(guildId, base.userId) : undefined;
  const who: Json =
    guildId && member
      ? { member: { ...memberPayload(member, user), permissions: guildPermissions(store, guildId, base.userId).toString() } }
      : { user: userJson };
  // In a DM the bot may do what a DM allows; Discord sends a fixed set there too.
  const appPermissions = guildId ? guildPermissions(store, guildId, base.botUserId) : 0x4_0000_7c40n;
  return {
    id: base.id,
    application_id: base.applicationId,
    type: base.type,
    data,
    token: base.token,
    version: 1,
    channel_id: channel.id,
    channel: channelPayload(store, channel, base.botUserId),
    ...(guildId ? { guild_id: guildId, guild: { id: guildId, locale: "en-US", features: [] }, guild_locale: "en-US" } : {}),
    ...who,
    app_permissions: appPermissions.toString(),
    locale: "en-US",
    entitlements: [],
    authorizing_integration_owners: guildId ? { "0": guildId } : { "1": base.userId },
    context: guildId ? 0 : 1,
    attachment_size_limit: ATTACHMENT_SIZE_LIMIT,
    ...(message ? { message } : {}),
  };
}

/** The `data` of a MODAL_SUBMIT: the modal's inputs, in its layout, with the person's values. */
export function modalSubmitData(modal: ModalRecord, values: Record<string, string>): Json {
  const components = modal.components.flatMap((row): Json[] => {
    if (row["type"] === 18) {
      const input = row["component"] as Json;
      const id = String(input["custom_id"]);
      return [{ type: 18, ...(row["id"] !== undefined ? { id: row["id"] } : {}), component: { type: 4, custom_id: id, value: values[id] ?? "" } }];
    }
    if (row["type"] === 1) {
      const input = (row["components"] as Json[])[0] ?? {};
      const id = String(input["custom_id"]);
      return [{ type: 1, components: [{ type: 4, custom_id: id, value: values[id] ?? "" }] }];
    }
    return [];
  });
  return { custom_id: modal.custom_id, components };
}

/** What `GET /control/interactions/:id` shows of an open modal. */
export function modalView(modal: ModalRecord): Json {
  return { custom_id: modal.custom_id, title: modal.title, components: modal.components };
}
