import { randomBytes } from "node:crypto";
import { discordErrors, fieldError } from "./errors.js";
import type { SandboxContext } from "./events.js";
import type { Messages, MessageInput } from "./messages.js";
import type { MessageRecord, WebhookRecord } from "./model.js";
import { hasPermission, Permission } from "./permissions.js";

/** Webhook creation and execution (incoming webhooks only). */
export class Webhooks {
  constructor(
    private readonly ctx: SandboxContext,
    private readonly messages: Messages,
  ) {}

  /** Creates an incoming webhook in a guild text channel; needs Manage Webhooks (else 403/50013). */
  create(actorId: string, channelId: string, name: string, avatar: string | null): WebhookRecord {
    const channel = this.messages.channelFor(actorId, channelId);
    if (!channel.guildId) throw discordErrors.unknownChannel();
    if (!hasPermission(this.ctx.store, channel.guildId, actorId, Permission.ManageWebhooks)) throw discordErrors.missingPermissions();
    checkName(name);
    const webhook: WebhookRecord = {
      id: this.ctx.ids.next(),
      token: randomBytes(51).toString("base64url"),
      channelId: channel.id,
      guildId: channel.guildId,
      name,
      avatar,
      creatorId: actorId,
      applicationId: this.ctx.store.applicationByBot(actorId)?.id ?? null,
    };
    this.ctx.store.addWebhook(webhook);
    return webhook;
  }

  /** Webhooks of a channel the actor can see. */
  list(actorId: string, channelId: string): WebhookRecord[] {
    const channel = this.messages.channelFor(actorId, channelId);
    return [...this.ctx.store.webhooks.values()].filter((w) => w.channelId === channel.id);
  }

  /** A webhook by id, checking its token when one is given (wrong token → 401/50027). */
  get(webhookId: string, token?: string): WebhookRecord {
    const webhook = this.ctx.store.webhooks.get(webhookId);
    if (!webhook) throw discordErrors.unknownWebhook();
    if (token !== undefined && token !== webhook.token) throw discordErrors.invalidWebhookToken();
    return webhook;
  }

  delete(webhookId: string, token?: string): void {
    this.get(webhookId, token);
    this.ctx.store.removeWebhook(webhookId);
  }

  /** Posts through the webhook, with `username`/`avatar_url` overriding its name for this message only. */
  execute(webhookId: string, token: string, input: MessageInput & { username?: string | undefined; avatar_url?: string | undefined }): MessageRecord {
    const webhook = this.get(webhookId, token);
    const username = input.username ?? webhook.name;
    checkName(username, "username");
    return this.messages.create(webhook.creatorId, webhook.channelId, input, {
      id: webhook.id,
      username,
      avatar: input.avatar_url ?? webhook.avatar,
      applicationId: webhook.applicationId,
    });
  }
}

// Discord refuses webhook names that impersonate it.
function checkName(name: string, field = "name"): void {
  if (name.length < 1 || name.length > 80) {
    throw discordErrors.invalidFormBody(fieldError([field], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 80 in length."));
  }
  if (/clyde|discord/i.test(name)) {
    throw discordErrors.invalidFormBody(fieldError([field], "USERNAME_INVALID_CONTAINS", 'Username cannot contain "discord" or "clyde"'));
  }
}
