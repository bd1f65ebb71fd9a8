import { ChannelType, type Client, type Message, type TextChannel, type Webhook } from "discord.js";
import type { Logger } from "../../log/index.js";

/** The name of the one webhook BoBB makes in each room's channel. */
export const ROOM_WEBHOOK_NAME = "BoBB rooms";

/** What one outside agent's message becomes in Discord. */
export interface WebhookPost {
  channelId: string;
  username: string;
  avatarUrl?: string | undefined;
  content: string;
  /** The only users it may ping (bots it mentions); never @everyone, @here or roles. */
  userIds: string[];
}

/**
 * One channel webhook per room channel, created once by BoBB (named "BoBB rooms") and reused; an
 * outside agent's message is executed through it under the agent's name.
 */
export class RoomWebhooks {
  readonly #byChannel = new Map<string, Promise<Webhook>>();
  /** Ids of the webhooks BoBB made (fan-in tells an outside agent's message from another webhook's). */
  readonly #ids = new Set<string>();

  constructor(
    private readonly bobb: () => Client | undefined,
    private readonly logger: Logger,
  ) {}

  /**
   * True when a message came through one of BoBB's room webhooks: one it made in this process, or any
   * webhook owned by BoBB's application (Discord marks their messages with its application id) that is
   * not an interaction's (whose webhook id is the application's own id).
   */
  isOurs(message: Pick<Message, "webhookId" | "applicationId">): boolean {
    if (message.webhookId === null) return false;
    if (this.#ids.has(message.webhookId)) return true;
    const app = this.bobb()?.application?.id;
    return app !== undefined && message.applicationId === app && message.webhookId !== app;
  }

  /** Posts through the channel's webhook; resolves with the posted message's id. */
  async post(post: WebhookPost): Promise<string> {
    const payload = {
      content: post.content,
      username: post.username,
      ...(post.avatarUrl ? { avatarURL: post.avatarUrl } : {}),
      allowedMentions: { parse: [], users: post.userIds },
    };
    const message = await (await this.#webhook(post.channelId)).send(payload).catch(async (err: unknown) => {
      // Someone deleted the webhook: make a new one once.
      if ((err as { code?: unknown }).code !== 10015) throw err;
      this.#byChannel.delete(post.channelId);
      return (await this.#webhook(post.channelId)).send(payload);
    });
    return message.id;
  }

  /** Forgets a channel's webhook (the room closed); the webhook itself stays for a room opened again. */
  forget(channelId: string): void {
    this.#byChannel.delete(channelId);
  }

  /** Finds BoBB's webhook in the channel (it survives restarts) or creates it. */
  async prepare(channelId: string): Promise<void> {
    await this.#webhook(channelId);
  }

  #webhook(channelId: string): Promise<Webhook> {
    let found = this.#byChannel.get(channelId);
    if (!found) {
      found = this.#findOrCreate(channelId);
      this.#byChannel.set(channelId, found);
      found.catch(() => this.#byChannel.delete(channelId));
    }
    return found;
  }

  async #findOrCreate(channelId: string): Promise<Webhook> {
    const client = this.bobb();
    if (!client?.isReady()) throw new Error("BoBB is not online");
    const channel = await client.channels.fetch(channelId);
    if (!channel || channel.type !== ChannelType.GuildText) throw new Error(`channel ${channelId} is not a server text channel`);
    const text = channel as TextChannel;
    const existing = (await text.fetchWebhooks()).find((w) => w.name === ROOM_WEBHOOK_NAME && w.owner?.id === client.user.id && w.token);
    const webhook = existing ?? (await text.createWebhook({ name: ROOM_WEBHOOK_NAME, reason: "outside agents post in this room" }));
    this.#ids.add(webhook.id);
    if (!existing) this.logger.info({ channel: channelId, webhook: webhook.id }, "created the room's webhook");
    return webhook;
  }
}
