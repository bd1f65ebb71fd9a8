import type { CommandDeps } from "./ports.js";
import { answerWithin, CommandError } from "./reply.js";
import type { InteractionRouter } from "./router.js";

/** `/stop`: the stop words as a command, acknowledged with one short line everyone in the channel sees. */
export function registerStopCommand(router: InteractionRouter, deps: CommandDeps): void {
  router.registerCommand("stop", (i) =>
    answerWithin(i, false, async () => {
      if (!i.inGuild()) throw new CommandError("`/stop` works in a server channel.");
      const stopped = await deps.stopChannel(i.channelId, i.user.id);
      const names = [...new Set(stopped.map((id) => deps.agentName(id)))];
      return {
        content: names.length
          ? `Stopped: ${names.join(", ")}.`
          : "Stopped: nothing was running here. Bots stay quiet to each other until someone mentions one.",
      };
    }),
  );
}
