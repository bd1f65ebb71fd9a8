import type { Client } from "discord.js";
import type { KnownBot } from "./ports.js";

/**
 * Who is who among our bots: names ↔ Discord user ids, case-insensitive. With `version` (values
 * one of which changes whenever the source's list does, e.g. the registry snapshot) the lookups use maps
 * built once per version instead of a scan of every bot: a thousand bots, several lookups per message.
 */
export class BotDirectory {
  #version: readonly unknown[] | undefined = undefined;
  #bots: KnownBot[] = [];
  #byUserId = new Map<string, KnownBot>();

  constructor(
    private readonly source: () => KnownBot[],
    private readonly version?: () => readonly unknown[],
  ) {}

  all(): KnownBot[] {
    return this.#current().bots;
  }

  /** The bot with this user id, if it is one of ours. */
  byUserId(userId: string): KnownBot | undefined {
    return this.#current().byUserId.get(userId);
  }

  #current(): { bots: KnownBot[]; byUserId: Map<string, KnownBot> } {
    const version = this.version?.();
    const known = this.#version;
    if (!version || !known || version.length !== known.length || version.some((v, i) => v !== known[i])) {
      this.#bots = this.source().filter((b) => b.userId !== undefined);
      this.#byUserId = new Map();
      // The first entry wins, as the scan did.
      for (const b of this.#bots) if (!this.#byUserId.has(b.userId!)) this.#byUserId.set(b.userId!, b);
      this.#version = version;
    }
    return { bots: this.#bots, byUserId: this.#byUserId };
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
