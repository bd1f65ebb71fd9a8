import { Options, type CacheFactory, type SweeperOptions } from "discord.js";
import { HISTORY_LIMIT } from "./context.js";

/**
 * Messages kept per channel: the prompt's history window plus the message itself and a margin
 * for messages that arrive while a prompt is built (message-reader.ts reads them from the cache).
 */
export const MESSAGES_PER_CHANNEL = HISTORY_LIMIT + 10;
/** Members and users kept per client beyond the bot itself (list_members and display names read them). */
export const MEMBERS_PER_GUILD = 200;
export const USERS_PER_CLIENT = 500;

/**
 * What one bot's discord.js client caches: only what the product reads (guilds, channels,
 * roles, the last messages per channel, a bounded set of members and users). Everything else
 * (presences, reactions, emojis, stickers, voice, invites, bans, scheduled events, stage
 * instances, automod rules, thread members) is not cached at all. With a thousand clients in
 * one process the defaults (200 messages per channel, every member and user ever seen) grow
 * with traffic × bots; these stay flat.
 */
export function clientCache(): { makeCache: CacheFactory; sweepers: SweeperOptions } {
  const self = <T extends { id: string; client: { user: { id: string } | null } }>(value: T) => value.id === value.client.user?.id;
  return {
    makeCache: Options.cacheWithLimits({
      MessageManager: MESSAGES_PER_CHANNEL,
      GuildMemberManager: { maxSize: MEMBERS_PER_GUILD, keepOverLimit: self },
      UserManager: { maxSize: USERS_PER_CLIENT, keepOverLimit: self },
      PresenceManager: 0,
      ReactionManager: 0,
      ReactionUserManager: 0,
      GuildEmojiManager: 0,
      BaseGuildEmojiManager: 0,
      GuildStickerManager: 0,
      GuildScheduledEventManager: 0,
      GuildInviteManager: 0,
      GuildBanManager: 0,
      GuildMessageManager: MESSAGES_PER_CHANNEL,
      DMMessageManager: MESSAGES_PER_CHANNEL,
      StageInstanceManager: 0,
      VoiceStateManager: 0,
      ThreadMemberManager: 0,
      AutoModerationRuleManager: 0,
      EntitlementManager: 0,
    }),
    // No lifetime for messages: the history of a quiet channel must still be there when it wakes
    // (it is fetched once per channel, then read from the cache); the per-channel limit bounds it.
    // Archived threads are swept as discord.js does by default.
    sweepers: { ...Options.DefaultSweeperSettings },
  };
}
