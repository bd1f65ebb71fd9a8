import type { ButtonInteraction } from "discord.js";
import { REMOVE_PREFIX } from "./bobb.js";
import type { CommandDeps } from "./ports.js";
import { actorOf } from "./people.js";
import { errorAnswer } from "./reply.js";
import type { InteractionRouter } from "./router.js";

/** The Remove / Cancel buttons under `/bobb remove`: the clicker must be allowed to remove the bot, checked at the click. */
export function registerRemoveButtons(router: InteractionRouter, deps: CommandDeps): void {
  router.registerComponentHandler(REMOVE_PREFIX, async (i: ButtonInteraction) => {
    const [choice, agentId = ""] = i.customId.slice(REMOVE_PREFIX.length).split(":");
    const agent = deps.registry().agents[agentId];
    if (choice !== "yes") {
      await i.update({ content: agent ? `OK, I kept **${agent.name}**.` : "OK, nothing was removed.", components: [] });
      return;
    }
    if (!agent) {
      await i.update({ content: "That bot is already gone; nothing to remove.", components: [] });
      return;
    }
    const actor = actorOf(i);
    // Refused without touching the confirmation (someone else may still confirm it).
    deps.writes.target(agent.id, actor);
    // Stopping the bot and forgetting its sessions can take longer than Discord's 3 s: answer first.
    await i.update({ content: `Removing **${agent.name}**…`, components: [] });
    const result = await deps.writes.remove(agent.id, actor).catch((err: unknown) => {
      deps.logger.warn({ err, agent: agent.id }, "removal from the confirm button failed");
      return errorAnswer(err);
    });
    await i.editReply({ content: "message" in result ? result.message : result.content, components: [] });
  });
}
