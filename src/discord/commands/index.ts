import { Events, type Client, type Interaction } from "discord.js";
import { registerBobbCommands } from "./bobb.js";
import { commandDefinitions } from "./definitions.js";
import type { CommandDeps } from "./ports.js";
import { syncAllGuilds, syncGuildCommands } from "./register.js";
import { registerRemoveButtons } from "./remove.js";
import { registerRoomCommands } from "./room.js";
import { InteractionRouter } from "./router.js";
import { registerStopCommand } from "./stop.js";

export { commandDefinitions } from "./definitions.js";
export { InteractionRouter, commandKey, type CommandHandler, type ComponentHandler, type ModalHandler } from "./router.js";
export { syncGuildCommands, sameCommands } from "./register.js";
export { answerWithin, sayError, errorAnswer, CommandError, DEFER_AFTER_MS, type Answer } from "./reply.js";
export { actorOf, personOf, findBot, botsOf } from "./people.js";
export type { CommandDeps, CommandPerson, RoomCommandSide } from "./ports.js";
export { COPY_PREFIX } from "./room.js";
export { personaPrompt } from "./text.js";

/** BoBB's slash commands, buttons and modals: registration and handling, on BoBB's client only. */
export interface BobbCommands {
  /** Other modules add button and modal handlers here (`registerComponentHandler`, `registerModalHandler`). */
  readonly router: InteractionRouter;
  /** BoBB is online: its commands are registered where they differ, in every guild now and in each guild it joins later. */
  ready(client: Client<true>): Promise<void>;
  handle(interaction: Interaction): Promise<void>;
}

export function createBobbCommands(deps: CommandDeps): BobbCommands {
  const log = deps.logger.child({ component: "commands" });
  const router = new InteractionRouter(deps.logger);
  registerBobbCommands(router, { ...deps, logger: log });
  registerRemoveButtons(router, { ...deps, logger: log });
  registerStopCommand(router, { ...deps, logger: log });
  registerRoomCommands(router, { ...deps, logger: log });
  const definitions = commandDefinitions();
  return {
    router,
    ready: async (client) => {
      client.on(Events.GuildCreate, (guild) => {
        syncGuildCommands(guild, definitions, log).catch((err: unknown) =>
          log.warn({ err, guild: guild.id }, "could not register slash commands in the guild"),
        );
      });
      await syncAllGuilds(client.guilds.cache.values(), definitions, log);
    },
    handle: (interaction) => router.handle(interaction),
  };
}
