import { PermissionFlagsBits, type ButtonInteraction, type ChatInputCommandInteraction, type ModalSubmitInteraction } from "discord.js";
import type { WriteActor } from "../../api/index.js";
import { findByName, type Agent, type Registry } from "../../registry/index.js";
import type { CommandPerson } from "./ports.js";
import { CommandError } from "./reply.js";

type PersonInteraction = ChatInputCommandInteraction | ButtonInteraction | ModalSubmitInteraction;

/** Who ran the command, as Discord says. */
export function personOf(interaction: PersonInteraction): CommandPerson {
  const member = interaction.member;
  const display = member && "displayName" in member ? member.displayName : undefined;
  return { id: interaction.user.id, name: display ?? interaction.user.globalName ?? interaction.user.username };
}

/**
 * The interaction as BoBB's live turn: the person who ran it is the actor, with Manage Server
 * as Discord computed it for this guild. Nothing in the command's options can change who acts.
 */
export function actorOf(interaction: PersonInteraction): WriteActor {
  const person = personOf(interaction);
  return {
    identity: { role: "bobb", agentId: "bobb" },
    turn: {
      id: `interaction-${interaction.id}`,
      agentId: "bobb",
      channelId: interaction.channelId ?? "",
      guildId: interaction.guildId,
      messageId: interaction.id,
      authorId: person.id,
      authorName: person.name,
      authorManagesGuild: interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) ?? false,
    },
  };
}

/** The bots a person created, by name. */
export function botsOf(registry: Registry, userId: string): Agent[] {
  return Object.values(registry.agents)
    .filter((a) => a.created_by === userId)
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The bot a `bot` option names (its name or id, any case); a clear error listing the person's bots otherwise. */
export function findBot(registry: Registry, query: string, userId: string): Agent {
  const agent = query.trim() ? findByName(registry, query.trim()) : undefined;
  if (agent) return agent;
  const mine = botsOf(registry, userId);
  const list = mine.length
    ? `Your bots: ${mine.map((a) => `**${a.name}** (\`${a.id}\`)`).join(", ")}.`
    : "You have no bots yet; create one with `/bobb create`.";
  throw new CommandError(`There is no bot called "${query.trim().slice(0, 64)}". Give its name or id. ${list}`);
}
