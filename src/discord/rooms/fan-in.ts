import type { Client, Message } from "discord.js";
import type { Logger } from "../../log/index.js";
import { BoundedSet } from "../bounded-set.js";
import type { BotDirectory } from "../directory.js";
import { isStopCommand } from "../stop-words.js";
import { agentsNamed, readableText, typedMentions, type Named } from "./mentions.js";
import type { AuthorKind, ChannelEvent, RoomInfo, RoomsPort } from "./ports.js";
import { HELD_PREFIX } from "./posts.js";

export interface RoomFanInOptions {
  port: RoomsPort;
  directory: BotDirectory;
  /** True for a message that came through BoBB's room webhook (an outside agent's). */
  isAgentPost: (message: Message) => boolean;
  /** The member id of the agent that posted under this name in the channel, if known. */
  memberOf: (channelId: string, username: string) => string | undefined;
  /** BoBB's Discord user id once online (its lines that answer nobody are the system's). */
  bobbUserId: () => string | undefined;
  logger: Logger;
}

const SEEN_LIMIT = 5_000;
/** Messages read back per room after a start (one history page: Discord's most). */
const BACKFILL_LIMIT = 100;

/**
 * Everything said in a room's channel reaches the room's agents (the channel is the log): each message once,
 * in order per channel, with its author's kind and whom it mentions. A person's stop word pauses the room,
 * a person speaking again resumes it.
 */
export class RoomFanIn {
  readonly #seen = new BoundedSet(SEEN_LIMIT);
  /** Per channel, the last event being prepared: the next one waits for it, so the core gets them in order. */
  readonly #chains = new Map<string, Promise<void>>();

  constructor(private readonly options: RoomFanInOptions) {}

  /** One message as a bot client saw it (every client sees it: only the first sighting counts). */
  observe(message: Message): void {
    if (!message.guildId) return;
    const room = this.options.port.roomOfChannel(message.channelId);
    if (!room || this.#seen.has(message.id)) return;
    this.#seen.add(message.id);
    // A held post is not said yet: its text reaches the agents only once approved (through the webhook).
    if (isHeldPost(message)) return;
    const previous = this.#chains.get(message.channelId) ?? Promise.resolve();
    const next = previous
      .then(() => this.#pass(room, message))
      .catch((err: unknown) => this.options.logger.warn({ err, channel: message.channelId, message: message.id }, "could not pass a message to the room"));
    this.#chains.set(message.channelId, next);
    void next.finally(() => {
      if (this.#chains.get(message.channelId) === next) this.#chains.delete(message.channelId);
    });
  }

  /**
   * After a start: the channel's latest messages (Discord's history, oldest first) reach the room's buffer, so
   * agents read with `since` what was said while BoBB was away. Only passed on, never a stop or a resume.
   */
  async backfill(client: Client, room: RoomInfo, limit = BACKFILL_LIMIT): Promise<number> {
    const channel = await client.channels.fetch(room.channel_id).catch(() => null);
    if (!channel || !channel.isTextBased() || channel.isDMBased()) return 0;
    const fetched = await channel.messages.fetch({ limit });
    const history = [...fetched.values()].sort((a, b) => a.createdTimestamp - b.createdTimestamp);
    let passed = 0;
    for (const message of history) {
      if (this.#seen.has(message.id) || isHeldPost(message)) continue;
      this.#seen.add(message.id);
      this.options.port.ingest(room.channel_id, await this.#event(room, message));
      passed++;
    }
    return passed;
  }

  /** Resolves once every message seen so far has been passed on (tests, shutdown). */
  async settled(): Promise<void> {
    await Promise.all([...this.#chains.values()]);
  }

  async #pass(room: RoomInfo, message: Message): Promise<void> {
    const { port } = this.options;
    const event = await this.#event(room, message);
    const person = event.author.kind === "human" ? { id: event.author.id, name: event.author.name } : undefined;
    const stop = person !== undefined && isStopCommand(message.content);
    if (person && !stop) port.resume(message.channelId);
    port.ingest(message.channelId, event);
    if (person && stop) port.pause(message.channelId, person);
  }

  async #event(room: RoomInfo, message: Message): Promise<ChannelEvent> {
    const { directory } = this.options;
    const agents = await this.options.port.agents(room.id).catch(() => []);
    const author = this.#author(message, agents);
    const content = readableText(message.content, {
      user: (id) => directory.byUserId(id)?.name ?? message.mentions.members?.get(id)?.displayName ?? message.mentions.users.get(id)?.username,
      role: (id) => message.guild?.roles.cache.get(id)?.name,
      channel: (id) => {
        const channel = message.client.channels.cache.get(id);
        return channel && "name" in channel && channel.name ? channel.name : undefined;
      },
    });
    const bots = typedMentions(message.content).filter((id) => directory.byUserId(id) !== undefined);
    const named = agentsNamed(content, agents).filter((id) => id !== author.id);
    return {
      discord_message_id: message.id,
      author,
      content,
      mentions: [...bots, ...named],
      created_at: new Date(message.createdTimestamp).toISOString(),
      ...(message.reference?.messageId ? { reply_to: message.reference.messageId } : {}),
    };
  }

  #author(message: Message, agents: readonly Named[]): ChannelEvent["author"] {
    const { directory } = this.options;
    if (this.options.isAgentPost(message)) {
      const name = message.author.username;
      // The agent this process posted for; after a restart, the room's agent of that name (names are unique in a room).
      const id = this.options.memberOf(message.channelId, name) ?? agents.find((a) => a.name.toLowerCase() === name.toLowerCase())?.id;
      return { id: id ?? `webhook:${message.webhookId}:${name}`, name, kind: "agent" };
    }
    const known = directory.byUserId(message.author.id);
    const name = known?.name ?? message.member?.displayName ?? message.author.globalName ?? message.author.username;
    return { id: message.author.id, name, kind: kindOf(message, this.options.bobbUserId()) };
  }
}

function kindOf(message: Message, bobbUserId: string | undefined): AuthorKind {
  if (message.system) return "system";
  if (!message.author.bot && message.webhookId === null) return "human";
  // The system's lines: subtext ("-# …") from any bot, and BoBB's lines that answer no one (notices, acknowledgements).
  if (message.content.startsWith("-# ")) return "system";
  if (message.author.id === bobbUserId && message.reference === null) return "system";
  return "bot";
}

function isHeldPost(message: Message): boolean {
  return message.components.some((row) => "components" in row && row.components.some((c) => "customId" in c && c.customId?.startsWith(HELD_PREFIX)));
}
