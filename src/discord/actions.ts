import { DiscordAPIError, HTTPError, RESTJSONErrorCodes, type Guild, type SendableChannels } from "discord.js";
import { DiscordSideError, type DiscordActions, type LiveTurn, type Member, type SendRequest, type SendResult } from "../api/index.js";
import type { BotManager } from "./bot-manager.js";
import type { BotDirectory } from "./directory.js";
import { outgoingText, postText } from "./post.js";
import { splitForDiscord } from "./split.js";
import type { TurnTracker } from "./turns.js";

/** The tool API's Discord side: an agent posts as its own bot and lists whom it can tag. */
export class BotActions implements DiscordActions {
  constructor(
    private readonly bots: BotManager,
    private readonly directory: BotDirectory,
    private readonly turns: TurnTracker,
    /** Outside agents of a room, mentioned by name (they have no Discord user): the display name of the one meant, if any. */
    private readonly roomAgent: (channelId: string, name: string) => Promise<string | undefined> = async () => undefined,
  ) {}

  /** With a turn (every agent's call): only into the turn's conversation, and within its post limit. */
  async send(agentId: string, request: SendRequest, turn?: LiveTurn): Promise<SendResult> {
    const bot = this.#bot(agentId);
    const channelId = request.channel_id ?? turn?.channelId;
    if (!channelId) throw new DiscordSideError("CHANNEL_NOT_FOUND", "no channel_id given");
    if (turn && channelId !== turn.channelId) {
      throw new DiscordSideError(
        "OUTSIDE_CONVERSATION",
        `send_message posts only into the conversation you are answering (channel ${turn.channelId}); channel ${channelId} is refused. Leave channel_id out to post here.`,
      );
    }
    if (this.turns.isSilenced(agentId, channelId)) {
      throw new DiscordSideError("CHANNEL_STOPPED", "a person said stop in this channel; nothing more is posted there until a person mentions a bot again");
    }
    const channel = await bot.client.channels.fetch(channelId).catch(() => null);
    if (!channel || !channel.isSendable()) {
      throw new DiscordSideError("CHANNEL_NOT_FOUND", `channel ${channelId} does not exist or this bot cannot post there`);
    }
    const selfId = bot.client.user.id;
    const warnings: string[] = [];
    const mentionIds: string[] = [];
    const agentNames: string[] = [];
    for (const name of request.mention_bots ?? []) {
      const target = this.directory.byName(name);
      const agent = target?.userId ? undefined : await this.roomAgent(channelId, name);
      if (agent) {
        if (!agentNames.includes(agent)) agentNames.push(agent);
        continue;
      }
      if (!target?.userId) {
        const known = this.directory
          .all()
          .filter((b) => b.userId !== selfId)
          .map((b) => b.name);
        throw new DiscordSideError("UNKNOWN_BOT_NAME", `no bot named "${name}"; bots you can mention: ${known.join(", ") || "none"}`);
      }
      if (target.userId === selfId) {
        warnings.push(`"${name}" is you; a bot never mentions itself, so that mention was dropped`);
        continue;
      }
      if (!mentionIds.includes(target.userId)) mentionIds.push(target.userId);
    }
    // Defence in depth: nothing token-shaped is ever posted, whatever the model wrote.
    const body = outgoingText(request.content, this.directory.namesFor(bot.client), new Set(mentionIds));
    // An outside agent is mentioned by its name as text: the room tells it so.
    const text = [...mentionIds.map((id) => `<@${id}>`), ...agentNames.map((name) => `@${name}`), body].join(" ");
    const maxParts = turn ? this.#reserve(turn, splitForDiscord(text).length, warnings) : undefined;
    const posted = await postText(channel as SendableChannels, text, {
      replyTo: request.reply_to,
      mentionIds,
      ...(maxParts === undefined ? {} : { maxParts }),
    }).catch((err: unknown) => {
      throw describeDiscordError(err, channelId);
    });
    this.turns.markSent(agentId, channelId);
    return { message_ids: posted.map((m) => m.id), warnings };
  }

  /** Posts the turn may still make of the `parts` wanted; none left is a refusal. */
  #reserve(turn: LiveTurn, parts: number, warnings: string[]): number {
    const live = this.turns.byId(turn.id);
    if (!live) throw new DiscordSideError("TURN_ENDED", "the turn this call belongs to has ended; nothing is posted");
    const granted = this.turns.reservePosts(live, parts);
    const limit = this.turns.postLimit;
    if (granted === 0)
      throw new DiscordSideError("POST_LIMIT", `this turn already posted ${limit} messages, the most one turn may post; nothing more is posted`);
    if (granted < parts) warnings.push(`the message was cut to ${granted} part(s) with "…": one turn posts at most ${limit} messages`);
    return granted;
  }

  botGuilds(agentId: string): string[] {
    return [...(this.bots.get(agentId)?.client.guilds.cache.keys() ?? [])];
  }

  userName(userId: string): string | undefined {
    const user = this.bots.get("bobb")?.client.users.cache.get(userId);
    return user ? (user.globalName ?? user.username) : undefined;
  }

  async members(agentId: string, channelId: string | undefined): Promise<Member[]> {
    const bot = this.#bot(agentId);
    let guilds: Guild[] = [...bot.client.guilds.cache.values()];
    if (channelId) {
      const channel = await bot.client.channels.fetch(channelId).catch(() => null);
      if (!channel) throw new DiscordSideError("CHANNEL_NOT_FOUND", `channel ${channelId} does not exist or this bot cannot see it`);
      guilds = "guild" in channel && channel.guild ? [channel.guild] : [];
    }
    const out = new Map<string, Member>();
    for (const known of this.directory.all()) {
      out.set(known.userId!, { id: known.userId!, name: known.name, bot: true, agent_id: known.agentId });
    }
    for (const guild of guilds) {
      for (const member of guild.members.cache.values()) {
        if (!out.has(member.id)) out.set(member.id, { id: member.id, name: member.displayName, bot: member.user.bot });
      }
    }
    return [...out.values()];
  }

  #bot(agentId: string) {
    const bot = this.bots.get(agentId);
    if (!bot) throw new DiscordSideError("AGENT_NOT_RUNNING", `agent ${agentId} is not connected to Discord`);
    return bot;
  }
}

function describeDiscordError(err: unknown, channelId: string): DiscordSideError {
  if (err instanceof DiscordAPIError && err.code === RESTJSONErrorCodes.UnknownChannel) {
    return new DiscordSideError("CHANNEL_NOT_FOUND", `channel ${channelId} does not exist`, { cause: err });
  }
  // A 403 without Discord's JSON body arrives as an HTTPError.
  const forbidden =
    (err instanceof DiscordAPIError && err.code === RESTJSONErrorCodes.MissingPermissions) ||
    ((err instanceof DiscordAPIError || err instanceof HTTPError) && err.status === 403);
  if (forbidden) return new DiscordSideError("DISCORD_FORBIDDEN", `the bot lacks permission to post in channel ${channelId}`, { cause: err });
  return new DiscordSideError("DISCORD_ERROR", `Discord refused the message: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}
