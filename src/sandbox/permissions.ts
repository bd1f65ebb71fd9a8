import type { SandboxStore } from "./store.js";

/** Discord permission bits the sandbox checks or grants. */
export const Permission = {
  Administrator: 1n << 3n,
  AddReactions: 1n << 6n,
  ViewChannel: 1n << 10n,
  SendMessages: 1n << 11n,
  ManageMessages: 1n << 13n,
  EmbedLinks: 1n << 14n,
  AttachFiles: 1n << 15n,
  ReadMessageHistory: 1n << 16n,
  MentionEveryone: 1n << 17n,
  UseExternalEmojis: 1n << 18n,
  ManageWebhooks: 1n << 29n,
  ManageThreads: 1n << 34n,
  CreatePublicThreads: 1n << 35n,
  CreatePrivateThreads: 1n << 36n,
  SendMessagesInThreads: 1n << 38n,
} as const;

const ALL = (1n << 50n) - 1n;

/** What @everyone may do in a fresh guild (Discord's defaults, minus voice). */
export const EVERYONE_PERMISSIONS =
  Permission.ViewChannel |
  Permission.SendMessages |
  Permission.EmbedLinks |
  Permission.AttachFiles |
  Permission.ReadMessageHistory |
  Permission.MentionEveryone |
  Permission.AddReactions |
  Permission.UseExternalEmojis |
  Permission.CreatePublicThreads |
  Permission.CreatePrivateThreads |
  Permission.SendMessagesInThreads;

/** What the invite link grants a bot's managed role: enough to moderate token leaks (Manage Messages). */
export const BOT_ROLE_PERMISSIONS = EVERYONE_PERMISSIONS | Permission.ManageMessages | Permission.ManageWebhooks | Permission.ManageThreads;

/** A member's guild-level permissions (channel overwrites are not emulated: every channel has none). */
export function guildPermissions(store: SandboxStore, guildId: string, userId: string): bigint {
  const guild = store.guilds.get(guildId);
  if (!guild) return 0n;
  if (guild.ownerId === userId) return ALL;
  const member = guild.members.find((m) => m.userId === userId);
  if (!member) return 0n;
  let bits = 0n;
  for (const role of guild.roles) {
    if (role.id === guild.id || member.roleIds.includes(role.id)) bits |= BigInt(role.permissions);
  }
  return bits & Permission.Administrator ? ALL : bits;
}

/** True when the user holds every bit of `needed` in the guild. */
export function hasPermission(store: SandboxStore, guildId: string, userId: string, needed: bigint): boolean {
  return (guildPermissions(store, guildId, userId) & needed) === needed;
}
