import { SnowflakeUtil, type Client } from "discord.js";
import { LRUCache } from "lru-cache";
import { MESSAGES_PER_CHANNEL } from "./client-cache.js";
import { containsToken } from "../log/index.js";
import { mentionsUser } from "./routing.js";
import { isStopCommand } from "./stop-words.js";

/** A guild message as the history needs it, read once from the gateway packet (not a discord.js Message). */
export interface SharedMessage {
  id: string;
  channelId: string;
  /** Epoch milliseconds (from the snowflake, as discord.js's createdTimestamp). */
  at: number;
  author: { id: string; username: string; globalName: string | null; tag: string; bot: boolean };
  /** The member's nickname, or the author's global name, or username (discord.js's member.displayName). */
  displayName: string | null;
  content: string;
  /** Every client handles it: a token-shaped string (each bot's intake guards the channel) or a stop word. */
  forAll: boolean;
}

interface RawAuthor {
  id?: unknown;
  username?: unknown;
  global_name?: unknown;
  discriminator?: unknown;
  bot?: unknown;
}

interface RawMessage {
  id?: unknown;
  channel_id?: unknown;
  guild_id?: unknown;
  author?: RawAuthor;
  member?: { nick?: unknown } | null;
  content?: unknown;
  mentions?: Array<{ id?: unknown }>;
  ids?: unknown;
}

/** Messages kept per channel and channels kept in all (the least recently active go first). */
const CHANNELS = 2_000;
const SIGHTED = 5_000;

/**
 * Every bot of the process sits in the same guilds, so every guild message reaches every
 * client: N clients × M messages discord.js Message objects, most of them for bots the
 * message is not about (at 200 bots ≈ 20 ms of supervisor CPU per message, on the path of
 * every reply). Here a guild MESSAGE_CREATE is read once into a process-wide per-channel
 * history; a child bot's discord.js handles it only when it is about that bot (its user
 * mentioned in the content or the mentions, its own message), when no client of the process
 * has handled it yet (so the loop governor and rooms still see every message once), and for a
 * stop word or a token-shaped string (every bot's stop and token intake run as before).
 * BoBB's client and DMs are never filtered. The history (message-reader.ts) reads this store
 * beside the client's own cache.
 */
export class SharedMessages {
  readonly #channels = new LRUCache<string, Map<string, SharedMessage>>({ max: CHANNELS });
  /** Messages some client of the process has handled, with whether every client must (by id). */
  readonly #sighted = new LRUCache<string, { forAll: boolean }>({ max: SIGHTED });

  /**
   * One dispatch received by one client (`selfId`); true when that client's discord.js must
   * still handle it. `full`: the client gets every message (BoBB). A message is read into the
   * history once, by the first client that receives it; the others only look at who it is about.
   */
  packet(selfId: string, full: boolean, t: unknown, d: unknown): boolean {
    if (typeof d !== "object" || d === null) return true;
    const raw = d as RawMessage;
    if (t === "MESSAGE_UPDATE") this.#update(raw);
    else if (t === "MESSAGE_DELETE") this.#delete(raw.channel_id, [raw.id]);
    else if (t === "MESSAGE_DELETE_BULK") this.#delete(raw.channel_id, Array.isArray(raw.ids) ? raw.ids : []);
    if (t !== "MESSAGE_CREATE" || typeof raw.guild_id !== "string" || typeof raw.id !== "string") return true;
    const sighted = this.#sighted.get(raw.id);
    if (!sighted) {
      const message = this.#record(raw);
      this.#sighted.set(raw.id, { forAll: message?.forAll ?? true });
      return true;
    }
    if (full || sighted.forAll || raw.author?.id === selfId) return true;
    return (typeof raw.content === "string" && mentionsUser(raw.content, selfId)) || (raw.mentions ?? []).some((m) => m.id === selfId);
  }

  /** The channel's messages older than (or as old as) `at`, other than `exceptId`, oldest first. */
  before(channelId: string, exceptId: string, at: number): SharedMessage[] {
    const channel = this.#channels.peek(channelId);
    if (!channel) return [];
    return [...channel.values()].filter((m) => m.id !== exceptId && m.at <= at);
  }

  #record(raw: RawMessage): SharedMessage | undefined {
    const a = raw.author;
    if (typeof raw.id !== "string" || typeof raw.channel_id !== "string" || !a || typeof a.id !== "string" || typeof a.username !== "string") return undefined;
    const globalName = typeof a.global_name === "string" ? a.global_name : null;
    const discriminator = typeof a.discriminator === "string" ? a.discriminator : "0";
    const nick = typeof raw.member?.nick === "string" ? raw.member.nick : null;
    const content = typeof raw.content === "string" ? raw.content : "";
    const bot = a.bot === true;
    const message: SharedMessage = {
      id: raw.id,
      channelId: raw.channel_id,
      at: SnowflakeUtil.timestampFrom(raw.id),
      author: { id: a.id, username: a.username, globalName, tag: discriminator === "0" ? a.username : `${a.username}#${discriminator}`, bot },
      displayName: raw.member ? (nick ?? globalName ?? a.username) : null,
      content,
      forAll: containsToken(content) || (!bot && isStopCommand(content)),
    };
    let channel = this.#channels.get(raw.channel_id);
    if (!channel) this.#channels.set(raw.channel_id, (channel = new Map()));
    if (channel.size >= MESSAGES_PER_CHANNEL) {
      // The oldest goes (by time: clients may hand in a burst's messages out of order); an older one is not kept.
      let oldest: SharedMessage | undefined;
      for (const m of channel.values()) if (!oldest || m.at < oldest.at) oldest = m;
      if (oldest && oldest.at > message.at) return message;
      if (oldest) channel.delete(oldest.id);
    }
    channel.set(message.id, message);
    return message;
  }

  #update(raw: RawMessage): void {
    if (typeof raw.channel_id !== "string" || typeof raw.id !== "string" || typeof raw.content !== "string") return;
    const known = this.#channels.peek(raw.channel_id)?.get(raw.id);
    if (known) known.content = raw.content;
  }

  #delete(channelId: unknown, ids: unknown[]): void {
    const channel = typeof channelId === "string" ? this.#channels.peek(channelId) : undefined;
    for (const id of ids) if (typeof id === "string") channel?.delete(id);
  }
}

/** discord.js 14's internal packet entry (the same private method client-guard.ts wraps). */
interface PacketHandling {
  handlePacket(packet?: { t?: unknown; d?: unknown }, shard?: unknown): boolean;
}

/**
 * Puts the shared store in front of one client's packet handling; `skipped` is told about each
 * message the client's discord.js did not handle (the bot still saw it: last-seen). Returns
 * false when this discord.js has no such method (every packet is then handled as before).
 */
export function shareMessages(client: Client, shared: SharedMessages, full: boolean, skipped: (channelId: string, messageId: string) => void): boolean {
  const ws = client.ws as unknown as Partial<PacketHandling>;
  const original = ws.handlePacket;
  if (typeof original !== "function") return false;
  ws.handlePacket = function sharedHandlePacket(this: unknown, packet, shard) {
    const selfId = client.user?.id;
    if (!packet || !selfId || shared.packet(selfId, full, packet.t, packet.d)) return original.call(ws, packet, shard);
    const d = packet.d as { channel_id: string; id: string };
    skipped(d.channel_id, d.id);
    return true;
  };
  return true;
}
