import { randomBytes } from "node:crypto";
import { resolveInvocation, type Invocation } from "./command-invocation.js";
import type { Commands } from "./commands.js";
import { findButton, parseModal, type ModalRecord } from "./components.js";
import { DiscordError, discordErrors, fieldError, SandboxError } from "./errors.js";
import type { SandboxContext } from "./events.js";
import { interactionPayload, InteractionType, modalSubmitData, modalView } from "./interaction-payloads.js";
import { EPHEMERAL, LOADING, type InteractionOrigin } from "./message-flags.js";
import type { MessageInput, Messages } from "./messages.js";
import type { ChannelRecord, MessageRecord } from "./model.js";
import { hasPermission, Permission } from "./permissions.js";

// Interactions: a person runs a command, clicks a button or submits a modal; the app's bot gets
// INTERACTION_CREATE and must answer once (callback) within the deadline (Discord's 3 s), then may
// edit its answer and send follow-ups through the interaction webhook for 15 minutes.

type Json = Record<string, unknown>;

/** Timing of interactions; Discord's are 3 s and 15 min. */
export interface InteractionTimings {
  deadlineMs: number;
  tokenLifetimeMs: number;
}

/** Callback types: 4 message, 5 deferred message, 6 deferred update, 7 update, 9 modal. */
export const Callback = { Message: 4, DeferredMessage: 5, DeferredUpdate: 6, Update: 7, Modal: 9 } as const;
const ALLOWED: Record<number, readonly number[]> = {
  [InteractionType.ApplicationCommand]: [4, 5, 9],
  [InteractionType.MessageComponent]: [4, 5, 6, 7, 9],
  [InteractionType.ModalSubmit]: [4, 5, 6, 7],
};
const MAX_KEPT = 2000;

interface InteractionRecord {
  id: string;
  token: string;
  type: number;
  applicationId: string;
  botUserId: string;
  userId: string;
  channelId: string;
  name: string;
  createdAt: number;
  ack: number | null;
  sourceMessageId: string | null;
  originalId: string | null;
  /** Messages this interaction's webhook may touch: the original response and the follow-ups, in order. */
  messageIds: string[];
  modal: ModalRecord | null;
}

export const interactionErrors = {
  unknown: () => new DiscordError(404, 10062, "Unknown interaction"),
  acknowledged: () => new DiscordError(400, 40060, "Interaction has already been acknowledged"),
  notAcknowledged: () => new DiscordError(400, 40060, "Interaction has not been acknowledged"),
};

/** Interactions and their callbacks and webhooks. */
export class Interactions {
  readonly #byId = new Map<string, InteractionRecord>();
  readonly #byToken = new Map<string, InteractionRecord>();

  constructor(
    private readonly ctx: SandboxContext,
    private readonly commands: Commands,
    private readonly messages: Messages,
    private readonly timings: InteractionTimings,
  ) {}

  /** A person runs a slash command; returns the interaction id. */
  invoke(invocation: Invocation): string {
    const channel = this.#channelFor(invocation.userId, invocation.channelId);
    const { command, name, data } = resolveInvocation(this.ctx.store, this.commands, channel, invocation);
    return this.#create(InteractionType.ApplicationCommand, command.applicationId, invocation.userId, channel, name, data, null);
  }

  /** A person clicks a button on a message; returns the new interaction's id. */
  click(messageId: string, userId: string, customId: string): string {
    const message = this.ctx.store.message(messageId);
    if (!message || (message.ephemeralFor && message.ephemeralFor !== userId))
      throw new SandboxError(404, "unknown_message", `no message ${messageId} that user ${userId} can see`);
    const channel = this.#channelFor(userId, message.channelId);
    const appId = message.applicationId ?? this.ctx.store.applicationByBot(message.authorId)?.id;
    if (!appId) throw new SandboxError(400, "not_an_app_message", `message ${messageId} was not sent by an app, so it has no buttons`);
    const button = findButton(message.components, customId);
    if (!button || button["type"] !== 2) {
      const ids = message.components.flatMap((row) => ((row["components"] as Json[] | undefined) ?? []).map((c) => c["custom_id"])).filter(Boolean);
      throw new SandboxError(404, "unknown_custom_id", `message ${messageId} has no button with custom_id "${customId}" (it has: ${ids.join(", ") || "none"})`);
    }
    if (button["disabled"] === true) throw new SandboxError(409, "component_disabled", `the button "${customId}" is disabled`);
    const data = { custom_id: customId, component_type: 2 };
    return this.#create(InteractionType.MessageComponent, appId, userId, channel, "", data, message);
  }

  /** The person submits the modal an interaction opened; returns the MODAL_SUBMIT interaction's id. */
  submitModal(interactionId: string, values: Record<string, string>): string {
    const source = this.#byId.get(interactionId);
    if (!source) throw new SandboxError(404, "unknown_interaction", `no interaction ${interactionId}`);
    const modal = source.modal;
    if (!modal)
      throw new SandboxError(409, "no_open_modal", `interaction ${interactionId} has no open modal (the app answered with ${source.ack ?? "nothing yet"})`);
    for (const key of Object.keys(values)) {
      if (!modal.inputs.some((i) => i.custom_id === key)) {
        throw new SandboxError(
          400,
          "unknown_custom_id",
          `the modal "${modal.custom_id}" has no input "${key}" (it has: ${modal.inputs.map((i) => i.custom_id).join(", ")})`,
        );
      }
    }
    for (const input of modal.inputs) {
      const value = values[input.custom_id] ?? "";
      if (input.required && value === "") throw new SandboxError(400, "missing_value", `the input "${input.custom_id}" (${input.label}) is required`);
      if (value !== "" && ((input.min_length !== undefined && value.length < input.min_length) || value.length > (input.max_length ?? 4000))) {
        throw new SandboxError(400, "invalid_value", `the input "${input.custom_id}" takes ${input.min_length ?? 0}-${input.max_length ?? 4000} characters`);
      }
    }
    source.modal = null;
    const channel = this.#channel(source.channelId);
    const message = source.sourceMessageId ? this.ctx.store.message(source.sourceMessageId) : undefined;
    return this.#create(InteractionType.ModalSubmit, source.applicationId, source.userId, channel, "", modalSubmitData(modal, values), message ?? null);
  }

  /** `POST /interactions/:id/:token/callback`: the one answer; returns the `with_response` body. */
  callback(id: string, token: string, body: Json): Json {
    const rec = this.#byId.get(id);
    if (!rec || rec.token !== token) throw interactionErrors.unknown();
    if (rec.ack !== null) throw interactionErrors.acknowledged();
    if (this.ctx.now() - rec.createdAt > this.timings.deadlineMs) throw interactionErrors.unknown();
    const type = body["type"];
    if (typeof type !== "number" || !(ALLOWED[rec.type] ?? []).includes(type) || ((type === 6 || type === 7) && !rec.sourceMessageId)) {
      throw discordErrors.invalidFormBody(
        fieldError(["type"], "INTERACTION_CALLBACK_TYPE_INVALID", "Interaction callback type is invalid for this interaction"),
      );
    }
    const data = (body["data"] && typeof body["data"] === "object" ? body["data"] : {}) as Json & MessageInput;
    let message: MessageRecord | undefined;
    if (type === Callback.Modal) {
      rec.modal = parseModal(body["data"]);
    } else if (type === Callback.Message || type === Callback.DeferredMessage) {
      const ephemeral = ((data.flags ?? 0) & EPHEMERAL) !== 0;
      const input = type === Callback.Message ? data : {};
      message = this.messages.create(rec.botUserId, rec.channelId, input, undefined, this.#origin(rec, ephemeral, type === Callback.DeferredMessage));
    } else {
      message = this.#message(rec.sourceMessageId ?? "");
      if (type === Callback.Update) message = this.messages.update(message, data);
    }
    rec.ack = type;
    if (message) {
      rec.originalId = message.id;
      rec.messageIds.unshift(message.id);
    }
    return {
      interaction: {
        id: rec.id,
        type: rec.type,
        ...(message
          ? {
              response_message_id: message.id,
              response_message_loading: (message.flags & LOADING) !== 0,
              response_message_ephemeral: (message.flags & EPHEMERAL) !== 0,
            }
          : {}),
      },
      resource: { type, ...(message ? { message: this.messages.payload(message, rec.botUserId) } : {}) },
    };
  }

  /** True when `token` is a live or expired interaction token of `applicationId` (the webhook routes ask). */
  isInteractionToken(applicationId: string, token: string): boolean {
    return this.#byToken.get(token)?.applicationId === applicationId;
  }

  /** `POST /webhooks/:app/:token`: a follow-up; the first one after a deferral fills the "thinking…" message. */
  followUp(applicationId: string, token: string, input: MessageInput): MessageRecord {
    const rec = this.#webhook(applicationId, token);
    if (rec.ack === null) throw interactionErrors.notAcknowledged();
    const original = rec.originalId ? this.ctx.store.message(rec.originalId) : undefined;
    if (original && rec.ack === Callback.DeferredMessage && original.flags & LOADING) return this.messages.update(original, input);
    const ephemeral = ((input.flags ?? 0) & EPHEMERAL) !== 0;
    const message = this.messages.create(rec.botUserId, rec.channelId, input, undefined, this.#origin(rec, ephemeral, false));
    rec.messageIds.push(message.id);
    return message;
  }

  /** The original response ("@original") or a follow-up of the interaction behind `token`. */
  webhookMessage(applicationId: string, token: string, messageId: string): MessageRecord {
    const rec = this.#webhook(applicationId, token);
    const id = messageId === "@original" ? rec.originalId : rec.messageIds.includes(messageId) ? messageId : null;
    return this.#message(id ?? "");
  }

  editWebhookMessage(applicationId: string, token: string, messageId: string, input: MessageInput): MessageRecord {
    return this.messages.update(this.webhookMessage(applicationId, token, messageId), input);
  }

  deleteWebhookMessage(applicationId: string, token: string, messageId: string): void {
    this.messages.remove(this.webhookMessage(applicationId, token, messageId));
  }

  /** What a test (or the web chat) sees of an interaction: its responses (each flagged ephemeral or not) and an open modal. */
  view(id: string): Json {
    const rec = this.#byId.get(id);
    if (!rec) throw new SandboxError(404, "unknown_interaction", `no interaction ${id}`);
    const responses = rec.messageIds.flatMap((messageId) => {
      const message = this.ctx.store.message(messageId);
      return message ? [{ ...this.messages.payload(message, rec.userId), ephemeral: (message.flags & EPHEMERAL) !== 0 }] : [];
    });
    return {
      id: rec.id,
      type: rec.type,
      application_id: rec.applicationId,
      user_id: rec.userId,
      channel_id: rec.channelId,
      acknowledged: rec.ack,
      expired: rec.ack === null && this.ctx.now() - rec.createdAt > this.timings.deadlineMs,
      responses,
      modal: rec.modal ? modalView(rec.modal) : null,
    };
  }

  #create(type: number, applicationId: string, userId: string, channel: ChannelRecord, name: string, data: Json, source: MessageRecord | null): string {
    const app = this.ctx.store.applications.get(applicationId);
    if (!app) throw new SandboxError(404, "unknown_application", `no application ${applicationId}`);
    this.#prune();
    const rec: InteractionRecord = {
      id: this.ctx.ids.next(),
      token: `aW50ZXJhY3Rpb246${randomBytes(48).toString("base64url")}`,
      type,
      applicationId,
      botUserId: app.botUserId,
      userId,
      channelId: channel.id,
      name,
      createdAt: this.ctx.now(),
      ack: null,
      sourceMessageId: source?.id ?? null,
      originalId: null,
      messageIds: [],
      modal: null,
    };
    this.#byId.set(rec.id, rec);
    this.#byToken.set(rec.token, rec);
    const message = source ? this.messages.payload(source, userId) : undefined;
    const d = interactionPayload(this.ctx.store, { ...rec, channel }, data, message);
    this.ctx.bus.emit({ t: "INTERACTION_CREATE", d, guildId: null, userIds: [app.botUserId], intent: 0, gatewayOnly: true });
    return rec.id;
  }

  #origin(rec: InteractionRecord, ephemeral: boolean, loading: boolean): InteractionOrigin {
    const messageType = rec.type === InteractionType.ApplicationCommand ? 20 : 0;
    return { id: rec.id, type: rec.type, userId: rec.userId, name: rec.name, applicationId: rec.applicationId, ephemeral, loading, messageType };
  }

  #webhook(applicationId: string, token: string): InteractionRecord {
    const rec = this.#byToken.get(token);
    if (!rec || rec.applicationId !== applicationId) throw discordErrors.unknownWebhook();
    if (this.ctx.now() - rec.createdAt > this.timings.tokenLifetimeMs) throw discordErrors.invalidWebhookToken();
    return rec;
  }

  #message(id: string): MessageRecord {
    const message = this.ctx.store.message(id);
    if (!message) throw discordErrors.unknownMessage();
    return message;
  }

  #channel(channelId: string): ChannelRecord {
    const channel = this.ctx.store.channels.get(channelId);
    if (!channel) throw new SandboxError(404, "unknown_channel", `no channel ${channelId}`);
    return channel;
  }

  #channelFor(userId: string, channelId: string): ChannelRecord {
    const user = this.ctx.store.users.get(userId);
    if (!user) throw new SandboxError(404, "unknown_user", `no user ${userId}`);
    if (user.bot) throw new SandboxError(400, "not_a_human", `user ${userId} is a bot; only people run commands and click buttons`);
    const channel = this.#channel(channelId);
    const visible = channel.guildId ? hasPermission(this.ctx.store, channel.guildId, userId, Permission.ViewChannel) : channel.recipientIds.includes(userId);
    if (!visible) throw new SandboxError(403, "channel_not_visible", `user ${userId} cannot see channel ${channelId}`);
    return channel;
  }

  // Tokens live 15 minutes; forget interactions well past that so a long demo stays bounded.
  #prune(): void {
    const cutoff = this.ctx.now() - this.timings.tokenLifetimeMs * 2;
    for (const rec of this.#byId.values()) {
      if (rec.createdAt >= cutoff && this.#byId.size < MAX_KEPT) break;
      this.#byId.delete(rec.id);
      this.#byToken.delete(rec.token);
    }
  }
}
