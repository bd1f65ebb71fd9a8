import type { Client } from "discord.js";
import type { KnownBot } from "./ports.js";

/** Who is who among our bots: names ↔ Discord user ids, case-insensitive. */
export class BotDirectory {
  constructor(private readonly source: () => KnownBot[]) {}

  all(): KnownBot[] {
    return this.source().filter((b) => b.userId !== undefined);
  }

  /** The bot with this user id, if it is one of ours. */
  byUserId(userId: string): KnownBot | undefined {
    return this.all().find((b) => b.userId === userId);
  }

  /** The bot with this name or agent id (case-insensitive, `@` optional). */
  byName(name: string): KnownBot | undefined {
    const wanted = name.trim().replace(/^@/, "").toLowerCase();
    return this.all().find((b) => b.name.toLowerCase() === wanted || b.agentId.toLowerCase() === wanted);
  }

  /** Names for user ids as a bot shows them: our bots by their registry name, others as its client has seen them. */
  namesFor(client: Client): (userId: string) => string | undefined {
    return (userId) => this.byUserId(userId)?.name ?? client.users.cache.get(userId)?.username;
  }
}
