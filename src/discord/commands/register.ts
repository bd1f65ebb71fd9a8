import type { ApplicationCommand, Collection, Guild, RESTPostAPIChatInputApplicationCommandsJSONBody } from "discord.js";
import type { Logger } from "../../log/index.js";

// equals() reads the API's JSON (snake_case) as well as discord.js's own shape; its typing names only the latter.
type Comparable = Parameters<ApplicationCommand["equals"]>[0];
type Definitions = readonly RESTPostAPIChatInputApplicationCommandsJSONBody[];

/** True when the guild's commands are exactly `definitions` (names, options and their order, texts, contexts). */
export function sameCommands(existing: Collection<string, ApplicationCommand>, definitions: Definitions): boolean {
  if (existing.size !== definitions.length) return false;
  return definitions.every((definition) =>
    existing.some((command) => command.name === definition.name && command.equals(definition as unknown as Comparable, true)),
  );
}

/**
 * Makes the guild's commands of this app equal to `definitions`: one GET, and a bulk overwrite
 * (PUT) only when something differs, since Discord allows 200 command creates a day per guild.
 */
export async function syncGuildCommands(guild: Guild, definitions: Definitions, logger: Logger): Promise<"unchanged" | "registered"> {
  const existing = await guild.commands.fetch();
  if (sameCommands(existing, definitions)) return "unchanged";
  await guild.commands.set([...definitions]);
  logger.info({ guild: guild.id, commands: definitions.map((d) => d.name) }, "slash commands registered in the guild");
  return "registered";
}

/** Registers in every guild the bot is in now, one at a time; a failing guild is logged and the others go on. */
export async function syncAllGuilds(guilds: Iterable<Guild>, definitions: Definitions, logger: Logger): Promise<void> {
  let registered = 0;
  let unchanged = 0;
  for (const guild of guilds) {
    const outcome = await syncGuildCommands(guild, definitions, logger).catch((err: unknown) => {
      logger.warn({ err, guild: guild.id }, "could not register slash commands in the guild; they are tried again when BoBB restarts or rejoins");
      return "failed" as const;
    });
    if (outcome === "registered") registered++;
    if (outcome === "unchanged") unchanged++;
  }
  logger.info({ registered, unchanged }, "slash commands checked in every guild");
}
