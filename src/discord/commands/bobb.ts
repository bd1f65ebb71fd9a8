import { ActionRowBuilder, ButtonBuilder, ButtonStyle, type ChatInputCommandInteraction } from "discord.js";
import { redactTokens } from "../../log/index.js";
import type { CommandDeps } from "./ports.js";
import { actorOf, botsOf, findBot, personOf } from "./people.js";
import { answerWithin, CommandError, type Answer } from "./reply.js";
import type { InteractionRouter } from "./router.js";
import { botLine, createdText, HELP_TEXT } from "./text.js";
import { showTokenForm, tokenButtons } from "./token-form.js";

/** custom_id prefix of the remove confirmation's buttons: `bobb-remove:yes:<agent id>` / `bobb-remove:no:<agent id>`. */
export const REMOVE_PREFIX = "bobb-remove:";
/** A persona BoBB's model writes is cut to this many characters. */
const WRITTEN_PERSONA_MAX = 1_500;

/** Registers `/bobb create|list|edit|remove|token|invite|help` on the router. */
export function registerBobbCommands(router: InteractionRouter, deps: CommandDeps): void {
  const personal = (handler: (i: ChatInputCommandInteraction) => Promise<Answer>) => (i: ChatInputCommandInteraction) =>
    answerWithin(i, true, () => handler(i));

  router.registerCommand(
    "bobb create",
    personal(async (i) => {
      const name = i.options.getString("name", true);
      const given = i.options.getString("persona")?.trim();
      // A bad or taken name is refused before BoBB's model spends a turn on a persona.
      deps.writes.checkNewName(name);
      const persona = given || (await writePersona(deps, name, i));
      const agent = await deps.writes.create({ name, persona }, actorOf(i));
      const created = { id: String(agent.id), name: String(agent.name), persona };
      // The token form is one click away: the same "Submit token" button as under BoBB's @mention steps.
      return { content: createdText(created, !given, deps.portalUrl), components: tokenButtons([created]) };
    }),
  );

  router.registerCommand(
    "bobb list",
    personal(async (i) => {
      const mine = botsOf(deps.registry(), i.user.id);
      if (mine.length === 0) return { content: "You have not created any bots yet. Create one with `/bobb create`." };
      return {
        content: [`Your bots (${mine.length}):`, ...mine.slice(0, 25).map(botLine), mine.length > 25 ? `…and ${mine.length - 25} more.` : ""].join("\n").trim(),
      };
    }),
  );

  router.registerCommand(
    "bobb edit",
    personal(async (i) => {
      const agent = findBot(deps.registry(), i.options.getString("bot", true), i.user.id);
      const name = i.options.getString("name")?.trim() || undefined;
      const persona = i.options.getString("persona")?.trim() || undefined;
      if (name === undefined && persona === undefined) throw new CommandError("Give a new `name`, a new `persona`, or both.");
      const after = await deps.writes.update(agent.id, { ...(name ? { name } : {}), ...(persona ? { persona } : {}) }, actorOf(i));
      const what = [name && name !== agent.name ? `renamed to **${after.name}**` : "", persona ? "has its new persona" : ""].filter(Boolean).join(" and ");
      return { content: `**${agent.name}** ${what || "is unchanged"}.${after.status === "active" ? " It restarts with the change." : ""}` };
    }),
  );

  router.registerCommand(
    "bobb remove",
    personal(async (i) => {
      const agent = findBot(deps.registry(), i.options.getString("bot", true), i.user.id);
      deps.writes.target(agent.id, actorOf(i)); // not yours: refused now, not after the click
      const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
        new ButtonBuilder().setCustomId(`${REMOVE_PREFIX}yes:${agent.id}`).setLabel(`Remove ${agent.name}`.slice(0, 80)).setStyle(ButtonStyle.Danger),
        new ButtonBuilder().setCustomId(`${REMOVE_PREFIX}no:${agent.id}`).setLabel("Cancel").setStyle(ButtonStyle.Secondary),
      );
      return {
        content: `Remove **${agent.name}**? Its bot goes offline, its token is deleted and its conversations are forgotten. This cannot be undone.`,
        components: [row],
      };
    }),
  );

  router.registerCommand("bobb token", async (i) => {
    // The form must be the first answer (a modal cannot follow a deferral), so no answerWithin here.
    const agent = findBot(deps.registry(), i.options.getString("bot", true), i.user.id);
    deps.writes.target(agent.id, actorOf(i));
    await showTokenForm(i, agent, deps.tokenRefusal?.(agent.id, i.user.id));
  });

  router.registerCommand(
    "bobb invite",
    personal(async (i) => {
      const agent = findBot(deps.registry(), i.options.getString("bot", true), i.user.id);
      if (!agent.discord_user_id) {
        return { content: `**${agent.name}** has no Discord bot yet: it waits for its token. Give it one with \`/bobb token bot:${agent.name}\`.` };
      }
      return { content: `Invite **${agent.name}** to a server: ${deps.inviteUrl(agent.discord_user_id)}` };
    }),
  );

  router.registerCommand(
    "bobb help",
    personal(async () => ({ content: HELP_TEXT })),
  );
}

/** BoBB's model writes the persona; a failure tells the person to give one. */
async function writePersona(deps: CommandDeps, name: string, i: ChatInputCommandInteraction): Promise<string> {
  const text = await deps.writePersona(name, personOf(i), AbortSignal.timeout(10 * 60_000)).catch((err: unknown) => {
    deps.logger.warn({ err, user: i.user.id }, "BoBB's model could not write a persona");
    return "";
  });
  // Defence in depth: the model's words become a persona only; no token-shaped text survives.
  const persona = redactTokens(text).trim().slice(0, WRITTEN_PERSONA_MAX);
  if (!persona)
    throw new CommandError("I could not write a persona just now. Run `/bobb create` again with a `persona` (a few sentences: personality, topic, tone).");
  return persona;
}
