import { PermissionFlagsBits, type Client, type GuildTextBasedChannel, type Message, type SendableChannels } from "discord.js";
import { postText } from "./post.js";

/** The reaction that tells a person their stop word was heard. */
export const STOP_REACTION = "🛑";
/** Said when a stop cannot be acknowledged with a reaction (no Add Reactions permission). */
export const STOP_LINE = `${STOP_REACTION} Stopped.`;

/**
 * Lines from the system rather than from a debating bot: BoBB says them where BoBB is in the
 * channel and may; otherwise the bot at hand says them as Discord subtext ("-# "), which
 * Discord shows small and grey, unlike anything a bot says in character.
 */
export class SystemVoice {
  /**
   * `bobb`: BoBB's client while it is online. `claimAck` (several hosts): whether this host is the
   * one to acknowledge a stop word, told whether it would do so as BoBB.
   */
  constructor(
    private readonly bobb: () => Client | undefined = () => undefined,
    private readonly claimAck?: (messageId: string, asBobb: boolean) => Promise<boolean>,
  ) {}

  /** Posts a system notice in a channel: as BoBB when it may post there, else as `channel`'s bot in subtext. */
  async notice(channel: SendableChannels, text: string): Promise<void> {
    const asBobb = this.#bobbChannel(channel.id, [PermissionFlagsBits.ViewChannel, PermissionFlagsBits.SendMessages]);
    if (asBobb) {
      const posted = await postText(asBobb, text).then(
        () => true,
        () => false,
      );
      if (posted) return;
    }
    await postText(channel, subtext(text));
  }

  /** Acknowledges a person's stop word: one reaction (BoBB's where it may react there), else one short line. */
  async stopped(message: Message): Promise<void> {
    const asBobb = message.guildId
      ? this.#bobbChannel(message.channelId, [PermissionFlagsBits.ViewChannel, PermissionFlagsBits.ReadMessageHistory, PermissionFlagsBits.AddReactions])
      : undefined;
    if (this.claimAck && !(await this.claimAck(message.id, asBobb !== undefined))) return;
    const reacted = await (asBobb ? asBobb.messages.react(message.id, STOP_REACTION) : message.react(STOP_REACTION)).then(
      () => true,
      () => false,
    );
    if (!reacted && message.channel.isSendable()) await postText(message.channel, subtext(STOP_LINE), { replyTo: message.id });
  }

  /** BoBB's view of a guild channel, when BoBB is in it and has `permissions` there. */
  #bobbChannel(channelId: string, permissions: bigint[]): (GuildTextBasedChannel & SendableChannels) | undefined {
    const client = this.bobb();
    const me = client?.user;
    const channel = client?.channels.cache.get(channelId);
    if (!me || !channel?.isTextBased() || channel.isDMBased() || !channel.isSendable()) return undefined;
    return channel.permissionsFor(me)?.has(permissions) ? channel : undefined;
  }
}

/** Text as Discord subtext: every line starts with "-# ". */
export function subtext(text: string): string {
  return text
    .split("\n")
    .map((line) => `-# ${line}`)
    .join("\n");
}
