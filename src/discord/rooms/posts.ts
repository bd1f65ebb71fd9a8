import { ActionRowBuilder, ButtonBuilder, ButtonStyle, MessageFlags, PermissionFlagsBits, type ButtonInteraction, type Client } from "discord.js";
import type { Logger } from "../../log/index.js";
import { redactTokens } from "../../log/index.js";
import { splitForDiscord } from "../split.js";
import { resolveAgentText, type Named } from "./mentions.js";
import type { OutsidePost, RoomsPort } from "./ports.js";
import type { RoomWebhooks } from "./webhooks.js";

/** custom_id prefix of the Approve / Reject buttons under a held post: `bobb-room-post:<yes|no>:<post id>:<inviter id>`. */
export const HELD_PREFIX = "bobb-room-post:";
/** How much of a held post BoBB shows people (the whole text is posted on approval). */
const PREVIEW_MAX = 1_500;
/** Held posts waiting for a decision, at most (the oldest is rejected beyond it). */
const HELD_LIMIT = 500;

export interface RoomPostsOptions {
  port: RoomsPort;
  webhooks: RoomWebhooks;
  /** Bots in the channel's server, by Discord user id and name (for "@Chef Bot"). */
  botsIn: (channelId: string) => Promise<Named[]>;
  /** The person who created the invite the agent joined with, when known (they may decide its held posts). */
  inviterOf: (roomId: string, memberId: string) => Promise<string | undefined>;
  bobb: () => Client | undefined;
  /** A picture URL for an agent's name (the rooms listener may serve one); left out when undefined. */
  avatarUrl?: ((name: string) => string | undefined) | undefined;
  logger: Logger;
}

/** Outside agents' posts into Discord: `auto` through the channel webhook at once, `ask` held for a person's Approve. */
export class RoomPosts {
  readonly #held = new Map<string, OutsidePost>();
  /** `channel:username` → member id, so the webhook's own message reads back as that agent's. */
  readonly #authors = new Map<string, string>();
  /** Per channel, the post being handled: the next waits for it, so an agent's messages keep their order. */
  readonly #chains = new Map<string, Promise<void>>();
  readonly #listener = (post: OutsidePost) => this.#queue(post);

  constructor(private readonly options: RoomPostsOptions) {}

  start(): void {
    this.options.port.on("post", this.#listener);
  }

  close(): void {
    this.options.port.off("post", this.#listener);
  }

  /** The member id of the agent that posted under `username` in a channel, if this process posted for it. */
  memberOf(channelId: string, username: string): string | undefined {
    return this.#authors.get(`${channelId}:${username.toLowerCase()}`);
  }

  #queue(post: OutsidePost): void {
    const next = (this.#chains.get(post.channel_id) ?? Promise.resolve()).then(() => this.#take(post));
    this.#chains.set(post.channel_id, next);
    void next.finally(() => {
      if (this.#chains.get(post.channel_id) === next) this.#chains.delete(post.channel_id);
    });
  }

  async #take(post: OutsidePost): Promise<void> {
    this.#authors.set(`${post.channel_id}:${post.name.toLowerCase()}`, post.member_id);
    try {
      if (post.mode === "ask") await this.#hold(post);
      else await this.#deliver(post);
    } catch (err) {
      this.options.logger.warn({ err, room: post.room_id, post: post.post_id }, "could not post an outside agent's message");
      this.options.port.settle(post.post_id, "rejected");
    }
  }

  /** Posts through the channel's webhook under the agent's name (long texts in parts) and tells the core. */
  async #deliver(post: OutsidePost): Promise<void> {
    const { content, userIds } = resolveAgentText(redactTokens(post.content), await this.options.botsIn(post.channel_id));
    const avatarUrl = post.avatar_url ?? this.options.avatarUrl?.(post.name);
    let first: string | undefined;
    for (const part of splitForDiscord(content)) {
      const id = await this.options.webhooks.post({ channelId: post.channel_id, username: post.name, avatarUrl, content: part, userIds });
      first ??= id;
    }
    this.options.port.settle(post.post_id, "delivered", first);
  }

  /** Shows the post to the room's people with Approve / Reject; the agent sees `pending` meanwhile. */
  async #hold(post: OutsidePost): Promise<void> {
    const channel = await this.options.bobb()?.channels.fetch(post.channel_id);
    if (!channel?.isSendable()) throw new Error(`BoBB cannot post in channel ${post.channel_id}`);
    const inviter = (await this.options.inviterOf(post.room_id, post.member_id)) ?? "-";
    this.#held.set(post.post_id, post);
    if (this.#held.size > HELD_LIMIT) {
      const oldest = this.#held.keys().next().value!;
      this.#held.delete(oldest);
      this.options.port.settle(oldest, "rejected");
    }
    this.options.port.settle(post.post_id, "pending");
    const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
      new ButtonBuilder().setCustomId(`${HELD_PREFIX}yes:${post.post_id}:${inviter}`).setLabel("Approve").setStyle(ButtonStyle.Success),
      new ButtonBuilder().setCustomId(`${HELD_PREFIX}no:${post.post_id}:${inviter}`).setLabel("Reject").setStyle(ButtonStyle.Danger),
    );
    await channel.send({ content: heldText(post), components: [row], allowedMentions: { parse: [] } });
  }

  /** A click on Approve or Reject: only a person with Manage Channels or the inviter decides, checked at the click. */
  async decide(i: ButtonInteraction): Promise<void> {
    const [choice, postId = "", inviter = ""] = i.customId.slice(HELD_PREFIX.length).split(":");
    const mayDecide = i.memberPermissions?.has(PermissionFlagsBits.ManageChannels) === true || i.user.id === inviter;
    if (!mayDecide) {
      await i.reply({
        content: "Only the person who invited this agent or someone who can manage this channel may approve or reject its posts.",
        flags: MessageFlags.Ephemeral,
      });
      return;
    }
    const post = this.#held.get(postId);
    if (!post) {
      await i.update({
        content: `${i.message.content}\n-# This post is no longer waiting (decided already, or BoBB restarted).`.slice(0, 2_000),
        components: [],
      });
      return;
    }
    this.#held.delete(postId); // one decision: a second click finds nothing
    const who = i.member && "displayName" in i.member ? i.member.displayName : i.user.username;
    if (choice !== "yes") {
      this.options.port.settle(postId, "rejected");
      await i.update({ content: `${heldText(post, `Rejected by ${who}: not posted.`)}`, components: [], allowedMentions: { parse: [] } });
      return;
    }
    // Revoked or closed meanwhile: "never" wins over an approval.
    const stillIn =
      this.options.port.roomOfChannel(post.channel_id)?.id === post.room_id &&
      (await this.options.port.agents(post.room_id)).some((a) => a.id === post.member_id);
    if (!stillIn) {
      this.options.port.settle(postId, "rejected");
      await i.update({ content: heldText(post, `Not posted: ${post.name} is no longer in this room.`), components: [], allowedMentions: { parse: [] } });
      return;
    }
    await i.update({ content: heldText(post, `Approved by ${who}.`), components: [], allowedMentions: { parse: [] } });
    await this.#deliver(post).catch((err: unknown) => {
      this.options.logger.warn({ err, post: postId }, "could not post an approved message");
      this.options.port.settle(postId, "rejected");
    });
  }
}

/** The held post as people see it: who wants to say what (quoted, pinging nobody), and the decision once made. */
function heldText(post: OutsidePost, decision?: string): string {
  const { content } = resolveAgentText(redactTokens(post.content), []);
  const preview = content.length > PREVIEW_MAX ? `${content.slice(0, PREVIEW_MAX - 1)}…` : content;
  const quoted = preview
    .split("\n")
    .map((line) => `> ${line}`)
    .join("\n");
  const head = `**${post.name}** (outside agent) wants to post:`;
  return [head, quoted, decision ? `-# ${decision}` : "-# Waiting for approval by the person who invited it or someone who can manage this channel."].join(
    "\n",
  );
}
