import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  ChannelType,
  MessageFlags,
  PermissionFlagsBits,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
} from "discord.js";
import type { AgentKind, RoomInfo } from "../rooms/ports.js";
import type { CommandDeps, RoomCommandSide } from "./ports.js";
import { answerWithin, CommandError, type Answer } from "./reply.js";
import { agentLine, blockMessages, inviteIntro } from "./room-text.js";
import type { InteractionRouter } from "./router.js";

const AGENT_KINDS: readonly string[] = ["claude-code", "opencode", "a2a", "http", "websocket"] satisfies AgentKind[];
const isAgentKind = (v: string): v is AgentKind => AGENT_KINDS.includes(v);

/** custom_id prefix of the Copy button under an invite: `bobb-room-copy:<invite id>`. */
export const COPY_PREFIX = "bobb-room-copy:";
/** How long Copy can show a block again (kept in memory only, for the person who created it). */
const COPY_TTL_MS = 15 * 60_000;
const COPY_LIMIT = 200;

type Slash = ChatInputCommandInteraction;

/** `/bobb room open|invite|agents|revoke|close` and the invite's Copy button. */
export function registerRoomCommands(router: InteractionRouter, deps: CommandDeps): void {
  const copies = new Map<string, { block: string; userId: string; until: number }>();
  const side = (): RoomCommandSide => {
    if (!deps.rooms) throw new CommandError("Rooms for outside agents are not set up on this BoBB.");
    return deps.rooms;
  };
  const command = (name: string, ephemeral: boolean, handler: (i: Slash, rooms: RoomCommandSide) => Promise<Answer>) =>
    router.registerCommand(`bobb room ${name}`, (i) => answerWithin(i, ephemeral, () => handler(i, side())));

  command("open", false, async (i, rooms) => {
    const channel = roomChannel(i);
    mustManage(i);
    const room = await rooms.port.open(channel, i.user.id);
    const warning = await rooms.prepare(channel.id).then(
      () => "",
      () => "\n-# I could not make this channel's webhook: give BoBB **Manage Webhooks** here, or outside agents' messages cannot be posted.",
    );
    return {
      content: `#${room.name} is now a room: outside AI agents can join it with an invite (\`/bobb room invite\`). Say **stop** to pause everyone, bots and agents.${warning}`,
    };
  });

  // The rest of a long block follows the first answer as ephemeral follow-ups.
  router.registerCommand("bobb room invite", async (i) => {
    let rest: string[] = [];
    await answerWithin(i, true, async () => {
      const answer = await invite(i, side());
      rest = answer.rest;
      return answer;
    });
    await followUps(i, rest);
  });
  const invite = async (i: Slash, rooms: RoomCommandSide): Promise<Answer & { rest: string[] }> => {
    mustManage(i);
    const room = roomOf(i, rooms);
    const label = i.options.getString("label", true).trim();
    const mode = i.options.getString("mode", true);
    if (mode !== "auto" && mode !== "ask") throw new CommandError('Option "mode": auto or ask.');
    const kind = i.options.getString("for") ?? undefined;
    if (kind !== undefined && !isAgentKind(kind)) throw new CommandError('Option "for": claude-code, opencode, a2a, http or websocket (or leave it out).');
    const created = await rooms.port.createInvite(room.id, { label, mode, ...(kind && { for: kind }) }, i.user.id);
    rooms.invited(room.id, created.invite.label, i.user.id);
    remember(copies, created.invite.id, { block: created.block, userId: i.user.id, until: Date.now() + COPY_TTL_MS });
    const [first = "", ...rest] = blockMessages(created.block, inviteIntro(created));
    const copy = new ActionRowBuilder<ButtonBuilder>().addComponents(
      new ButtonBuilder().setCustomId(`${COPY_PREFIX}${created.invite.id}`).setLabel("Copy").setStyle(ButtonStyle.Secondary),
    );
    return { content: first, components: [copy], rest };
  };

  command("agents", true, async (i, rooms) => {
    const room = roomOf(i, rooms);
    const agents = await rooms.port.agents(room.id);
    if (agents.length === 0) return { content: "No outside agent has joined this room yet. Invite one with `/bobb room invite`." };
    return { content: [`Outside agents in #${room.name} (${agents.length}):`, ...agents.slice(0, 20).map(agentLine)].join("\n") };
  });

  command("revoke", true, async (i, rooms) => {
    mustManage(i);
    const room = roomOf(i, rooms);
    const label = i.options.getString("label", true).trim();
    if (!(await rooms.port.revoke(room.id, label))) throw new CommandError(`This room has no invite labelled "${label}". \`/bobb room agents\` lists them.`);
    return { content: `Revoked **${label}**: its agent is disconnected and its key no longer works.` };
  });

  command("close", false, async (i, rooms) => {
    mustManage(i);
    const room = roomOf(i, rooms);
    await rooms.port.close(room.id);
    rooms.closed(room.channel_id);
    return { content: `#${room.name} is no longer a room: every outside agent was disconnected and its invites revoked.` };
  });

  router.registerComponentHandler(COPY_PREFIX, async (i: ButtonInteraction) => {
    const copy = copies.get(i.customId.slice(COPY_PREFIX.length));
    if (!copy || copy.until < Date.now() || copy.userId !== i.user.id) {
      await i.reply({
        content: "I no longer have this block to show (it is kept 15 minutes). Create a new invite with `/bobb room invite`.",
        flags: MessageFlags.Ephemeral,
      });
      return;
    }
    const [first = "", ...rest] = blockMessages(copy.block);
    await i.reply({ content: first, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
    await followUps(i, rest);
  });
}

async function followUps(i: Slash | ButtonInteraction, parts: string[]): Promise<void> {
  for (const part of parts) {
    await i.followUp({ content: part, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } }).catch(() => undefined);
  }
}

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.set(key, value);
  if (map.size > COPY_LIMIT) map.delete(map.keys().next().value!);
}

/** The channel the command ran in, when it can be a room (a server text channel). */
function roomChannel(i: Slash): { id: string; guild_id: string; name: string } {
  const channel = i.channel;
  if (!i.inGuild() || !channel || channel.type !== ChannelType.GuildText)
    throw new CommandError("A room is a server text channel: run this there (not in a thread or a DM).");
  return { id: channel.id, guild_id: i.guildId, name: channel.name };
}

function roomOf(i: Slash, rooms: RoomCommandSide): RoomInfo {
  const room = i.channelId ? rooms.port.roomOfChannel(i.channelId) : undefined;
  if (!room) throw new CommandError("This channel is not a room. Someone who can manage it opens it with `/bobb room open`.");
  return room;
}

function mustManage(i: Slash): void {
  if (i.memberPermissions?.has(PermissionFlagsBits.ManageChannels) !== true)
    throw new CommandError("Only someone who can manage this channel (Manage Channels) may open, invite to, revoke or close its room.");
}
