import type { Client, Guild } from "discord.js";
import type { BotDirectory } from "../directory.js";
import type { Named } from "./mentions.js";

/** A fetch that said "not a member" is believed this long. */
const ABSENT_MS = 60_000;
const ABSENT_LIMIT = 10_000;

/** Our bots that are members of a channel's server (an outside agent's "@Chef Bot" resolves only to those). */
export class ServerBots {
  /** guild → bot user ids seen as its members. */
  readonly #members = new Map<string, Set<string>>();
  /** `guild:user` → when a fetch said it is not a member. */
  readonly #absent = new Map<string, number>();

  constructor(
    private readonly bobb: () => Client | undefined,
    private readonly directory: BotDirectory,
  ) {}

  async in(channelId: string): Promise<Named[]> {
    const channel = this.bobb()?.channels.cache.get(channelId);
    const guild = channel && "guild" in channel ? channel.guild : undefined;
    if (!guild) return [];
    const out: Named[] = [];
    for (const bot of this.directory.all()) if (await this.#isMember(guild, bot.userId!)) out.push({ id: bot.userId!, name: bot.name });
    return out;
  }

  async #isMember(guild: Guild, id: string): Promise<boolean> {
    let known = this.#members.get(guild.id);
    if (!known) this.#members.set(guild.id, (known = new Set()));
    if (known.has(id) || guild.members.cache.has(id)) {
      known.add(id);
      return true;
    }
    const key = `${guild.id}:${id}`;
    if (Date.now() - (this.#absent.get(key) ?? -Infinity) < ABSENT_MS) return false;
    const found = await guild.members.fetch(id).then(
      () => true,
      () => false,
    );
    if (found) known.add(id);
    else this.#absent.set(key, Date.now());
    if (this.#absent.size > ABSENT_LIMIT) this.#absent.delete(this.#absent.keys().next().value!);
    return found;
  }
}
