/**
 * Auto-thread (issue 15, like Hermes' and Kimaki's): in a guild that has it on
 * (BOBB_AUTO_THREAD), a bot mentioned in a channel answers in a new public thread started
 * from the person's message, named from it; the conversation then goes on in that thread
 * (its own session, governor channel and stop scope). One thread per message: two bots
 * mentioned in one message answer in the same thread. In a thread, a DM or a channel type
 * without threads nothing changes.
 */
import { ChannelType, RESTJSONErrorCodes, ThreadAutoArchiveDuration, type Message, type SendableChannels } from "discord.js";
import type { Logger } from "../log/index.js";
import { conversationKey } from "./message-reader.js";

/** Where a turn answers: the message's channel, or the thread made for it. */
export interface Place {
  channel: SendableChannels;
  channelId: string;
  conversation: string;
  /** The turn was moved into a new thread (the reply is no Discord reply: the message is in the parent). */
  movedToThread: boolean;
}

/** Discord's limit for a thread name. */
const NAME_MAX = 100;
/** Messages whose thread is remembered (a bot that answers later finds the same thread). */
const REMEMBERED = 1_000;

/** Reads BOBB_AUTO_THREAD: "all", or guild ids separated by commas; unset: off everywhere. */
export function autoThreadGuilds(setting: string | undefined): (guildId: string) => boolean {
  if (!setting) return () => false;
  if (setting.trim().toLowerCase() === "all") return () => true;
  const ids = new Set(setting.split(",").map((s) => s.trim()));
  return (guildId) => ids.has(guildId);
}

/** A thread name from the message: leading mentions dropped, other mentions as names, one line, at most 100 characters. */
export function threadName(content: string, nameOf: (userId: string) => string | undefined, fallback: string): string {
  const text = content
    .replace(/^(\s*<@[!&]?\d+>)+/, "")
    .replace(/<@!?(\d+)>/g, (_, id: string) => `@${nameOf(id) ?? "user"}`)
    .replace(/<@&\d+>/g, "@role")
    .replace(/<#\d+>/g, "#channel")
    .replace(/<a?:(\w+):\d+>/g, ":$1:")
    .replace(/\s+/g, " ")
    .trim();
  const name = text || fallback;
  return name.length <= NAME_MAX ? name : `${name.slice(0, NAME_MAX - 1)}…`;
}

export class AutoThreads {
  readonly #threads = new Map<string, Promise<SendableChannels | undefined>>();

  constructor(
    private readonly enabled: (guildId: string) => boolean,
    private readonly nameOf: (userId: string) => string | undefined,
    private readonly logger: Logger,
  ) {}

  /** The place to answer `message`: a new (or the already made) thread when auto-thread applies, else its channel. */
  async placeFor(message: Message): Promise<Place> {
    const here: Place = {
      channel: message.channel as SendableChannels,
      channelId: message.channelId,
      conversation: conversationKey(message),
      movedToThread: false,
    };
    const type = message.channel.type;
    if (!message.guildId || !this.enabled(message.guildId) || (type !== ChannelType.GuildText && type !== ChannelType.GuildAnnouncement)) return here;
    let pending = this.#threads.get(message.id);
    if (!pending) {
      pending = this.#start(message);
      this.#threads.set(message.id, pending);
      if (this.#threads.size > REMEMBERED) this.#threads.delete(this.#threads.keys().next().value!);
    }
    const thread = await pending;
    // No thread (no permission, Discord refused): answer in the channel as without auto-thread.
    return thread ? { channel: thread, channelId: thread.id, conversation: thread.id, movedToThread: true } : here;
  }

  async #start(message: Message): Promise<SendableChannels | undefined> {
    if (message.thread) return message.thread;
    const fallback = `Chat with ${message.member?.displayName ?? message.author.globalName ?? message.author.username}`;
    try {
      const nameOf = (id: string) => this.nameOf(id) ?? message.mentions.members?.get(id)?.displayName ?? message.mentions.users.get(id)?.username;
      return await message.startThread({ name: threadName(message.content, nameOf, fallback), autoArchiveDuration: ThreadAutoArchiveDuration.OneDay });
    } catch (err) {
      // Made meanwhile by another process or client: use that one.
      if ((err as { code?: unknown }).code === RESTJSONErrorCodes.ThreadAlreadyCreatedForMessage) {
        const existing = await message
          .fetch(true)
          .then((m) => m.thread)
          .catch(() => null);
        if (existing) return existing;
      }
      this.logger.warn({ err, channel: message.channelId, message: message.id }, "could not start a thread; answering in the channel");
      return undefined;
    }
  }
}
