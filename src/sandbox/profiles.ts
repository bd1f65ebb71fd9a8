import { createHash } from "node:crypto";
import { DiscordError, discordErrors, fieldError } from "./errors.js";
import { Intent, type SandboxContext } from "./events.js";
import type { ApplicationRecord, AvatarRecord, UserRecord } from "./model.js";
import { memberPayload, userPayload } from "./payloads.js";

// What an app may change about itself: `PATCH /applications/@me` (description, the limited intent
// flags) and `PATCH /users/@me` (its bot's username and avatar). Avatars are kept as bytes and
// served like Discord's CDN at /avatars/:user_id/:hash.png.

/** Application flags an app under 100 guilds may set for itself (GATEWAY_*_LIMITED). */
export const AppFlag = { PresenceLimited: 1 << 13, GuildMembersLimited: 1 << 15, MessageContentLimited: 1 << 19 } as const;
const SETTABLE_FLAGS = AppFlag.PresenceLimited | AppFlag.GuildMembersLimited | AppFlag.MessageContentLimited;
const IMAGE = /^data:image\/(png|jpe?g|gif|webp);base64,([A-Za-z0-9+/=\s]+)$/;
const USERNAME = /^[\p{L}\p{N}_.\- ]{2,32}$/u;
const MAX_AVATAR_BYTES = 10 * 1024 * 1024;

/** The application flags Discord reports for an app (the "_LIMITED" intent ones). */
export function applicationFlags(app: ApplicationRecord): number {
  return (
    (app.presenceIntent ? AppFlag.PresenceLimited : 0) |
    (app.membersIntent ? AppFlag.GuildMembersLimited : 0) |
    (app.messageContentIntent ? AppFlag.MessageContentLimited : 0)
  );
}

/** Fields of `PATCH /applications/@me` the sandbox applies. */
export interface ApplicationPatch {
  description?: string | undefined;
  flags?: number | undefined;
}

/** Fields of `PATCH /users/@me`. */
export interface UserPatch {
  username?: string | undefined;
  avatar?: string | null | undefined;
}

export class Profiles {
  constructor(private readonly ctx: SandboxContext) {}

  /** Applies an app's edit of itself; a verified app may not change its intent flags (Discord sends it to the portal). */
  editApplication(app: ApplicationRecord, patch: ApplicationPatch): ApplicationRecord {
    if (patch.description !== undefined && patch.description.length > 400) {
      throw discordErrors.invalidFormBody(fieldError(["description"], "BASE_TYPE_MAX_LENGTH", "Must be 400 or fewer in length."));
    }
    if (patch.flags !== undefined) {
      const current = applicationFlags(app);
      if (patch.flags & ~SETTABLE_FLAGS & ~current) {
        throw discordErrors.invalidFormBody(
          fieldError(["flags"], "APPLICATION_FLAGS_INVALID", "Only the limited intent flags (1 << 13, 1 << 15, 1 << 19) can be set"),
        );
      }
      if (app.verified && (patch.flags & SETTABLE_FLAGS) !== (current & SETTABLE_FLAGS)) {
        throw discordErrors.invalidFormBody(
          fieldError(["flags"], "APPLICATION_FLAGS_VERIFIED", "Verified applications must request privileged intents in the Developer Portal"),
        );
      }
      app.messageContentIntent = (patch.flags & AppFlag.MessageContentLimited) !== 0;
      app.membersIntent = (patch.flags & AppFlag.GuildMembersLimited) !== 0;
      app.presenceIntent = (patch.flags & AppFlag.PresenceLimited) !== 0;
    }
    if (patch.description !== undefined) app.description = patch.description;
    this.ctx.store.touch();
    return app;
  }

  /** Applies a bot's edit of its own user; announces USER_UPDATE to it and GUILD_MEMBER_UPDATE to its guilds. */
  editUser(user: UserRecord, patch: UserPatch): UserRecord {
    if (patch.username !== undefined) {
      const name = patch.username.trim();
      if (!USERNAME.test(name)) throw discordErrors.invalidFormBody(fieldError(["username"], "BASE_TYPE_BAD_LENGTH", "Must be between 2 and 32 in length."));
      if (/clyde|discord/i.test(name)) {
        throw discordErrors.invalidFormBody(fieldError(["username"], "USERNAME_INVALID_CONTAINS", 'Username cannot contain "discord" or "clyde"'));
      }
      user.username = name;
    }
    if (patch.avatar !== undefined) user.avatar = patch.avatar === null ? null : this.#storeAvatar(user.id, patch.avatar);
    this.ctx.store.touch();
    this.ctx.bus.emit({ t: "USER_UPDATE", d: userPayload(user), guildId: null, userIds: [user.id], intent: 0, gatewayOnly: true });
    for (const guild of this.ctx.store.guildsOf(user.id)) {
      const member = guild.members.find((m) => m.userId === user.id);
      if (!member) continue;
      this.ctx.bus.emit({
        t: "GUILD_MEMBER_UPDATE",
        d: { guild_id: guild.id, ...memberPayload(member, user) },
        guildId: guild.id,
        userIds: [],
        intent: Intent.GuildMembers,
      });
    }
    return user;
  }

  /** The stored image for `/avatars/:user_id/:hash.ext`, if that is the user's (current or earlier) avatar. */
  avatar(userId: string, hash: string): AvatarRecord | undefined {
    const record = this.ctx.store.avatars.get(hash);
    return record?.userId === userId ? record : undefined;
  }

  #storeAvatar(userId: string, dataUri: string): string {
    const match = IMAGE.exec(dataUri);
    const bytes = match ? Buffer.from(match[2] ?? "", "base64") : Buffer.alloc(0);
    if (!match || bytes.length === 0) throw invalidImage();
    if (bytes.length > MAX_AVATAR_BYTES)
      throw discordErrors.invalidFormBody(fieldError(["avatar"], "BINARY_TYPE_MAX_SIZE", "File cannot be larger than 10240.0 kb."));
    // Discord looks at the bytes, not the claimed type (discord.js labels every buffer image/jpg).
    const type = sniff(bytes);
    if (!type) throw invalidImage();
    const hash = createHash("md5").update(bytes).digest("hex");
    this.ctx.store.avatars.set(hash, { userId, hash, type, data: bytes.toString("base64") });
    return hash;
  }
}

function invalidImage(): DiscordError {
  return discordErrors.invalidFormBody(fieldError(["avatar"], "IMAGE_INVALID", "Invalid image data"));
}

/** The image format of the bytes (PNG, JPEG, GIF or WebP), or null when they are none of these. */
function sniff(bytes: Buffer): string | null {
  const hex = bytes.subarray(0, 8).toString("hex");
  if (hex.startsWith("89504e470d0a1a0a")) return "image/png";
  if (hex.startsWith("ffd8ff")) return "image/jpeg";
  if (bytes.subarray(0, 4).toString("latin1") === "GIF8") return "image/gif";
  if (bytes.subarray(0, 4).toString("latin1") === "RIFF" && bytes.subarray(8, 12).toString("latin1") === "WEBP") return "image/webp";
  return null;
}
