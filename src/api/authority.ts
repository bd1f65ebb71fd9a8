import type { Agent } from "../registry/index.js";
import { ApiError } from "./errors.js";
import type { KeyIdentity } from "./keys.js";
import type { DiscordActions, LiveTurn } from "./ports.js";

/**
 * Who may change, disable, re-enable or remove a bot: the operator's key; through BoBB, the
 * person whose message started the live turn, if they created the bot or have Manage Server
 * in the guild of that message and the bot is in that guild. Nothing the model sends counts.
 */
export function assertMayChange(agent: Agent, identity: KeyIdentity, turn: LiveTurn | undefined, discord: DiscordActions | undefined): void {
  if (identity.role === "admin") return;
  if (turn && agent.created_by && turn.authorId === agent.created_by) return;
  if (turn?.authorManagesGuild && turn.guildId && (discord?.botGuilds?.(agent.id) ?? []).includes(turn.guildId)) return;
  const creator = agent.created_by ? (discord?.userName?.(agent.created_by) ?? "its creator") : "the operator";
  throw new ApiError("NOT_OWNER", `only ${creator} or a server manager can change ${agent.name}`);
}
