import { EventEmitter } from "node:events";
import type { Logger } from "../log/index.js";
import { Access, type AgentSession } from "./access.js";
import { Fanout } from "./fanout.js";
import { instructionBlock, mcpTransport, restUrlOf, wsUrlOf } from "./block.js";
import { isoTime, RoomBuffer, type ReadPage } from "./buffer.js";
import { RoomsError } from "./errors.js";
import { SlidingWindow } from "./limits.js";
import type { RoomLimits } from "./limits-config.js";
import { PostBook } from "./posts.js";
import { CLOSE, PresenceBook, type AgentSocket } from "./presence.js";
import { newInvite } from "./invites.js";
import { newId } from "./secrets.js";
import type { RoomStore } from "./store.js";
import { scrubContent } from "./text.js";
import type {
  AgentKind,
  ChannelEvent,
  InviteCreated,
  OutsidePost,
  PostStatus,
  RoomAgentView,
  RoomInfo,
  RoomMessage,
  RoomMode,
  RoomBot,
  RoomRecord,
  Transport,
  A2aBotLink,
} from "./types.js";
import { a2aCardUrlOf } from "./a2a-card.js";

export interface RoomsOptions {
  store: RoomStore;
  logger: Logger;
  /** Base of every URL written into blocks (BOBB_PUBLIC_URL), e.g. https://bobb.example.org. */
  publicUrl: string;
  limits: RoomLimits;
  /** Names an agent may not take in a channel: BoBB, the registry's bots, the people there. */
  reservedNames: (channelId: string) => readonly string[];
  /** The bots in a channel (our child bots that are there), each an A2A agent of its room; none without it. */
  botsOf?: (channelId: string) => Promise<RoomBot[]> | RoomBot[];
  now?: () => number;
}

/** What an agent is answered for a post. */
export interface PostAnswer {
  id: string;
  room_id: string;
  agent_id: string;
  content: string;
  timestamp: string;
  type: "message";
  status: PostStatus;
}

/**
 * The rooms of outside agents (implements the Discord side's RoomsPort structurally): rooms and
 * invites, the agents' sessions, the read buffer, posts out to the channel (the "post" event) and
 * their settlement. The transports (rest.ts, ws.ts) and the operator API call it.
 */
export class Rooms extends EventEmitter<{ post: [OutsidePost] }> {
  readonly limits: RoomLimits;
  readonly buffer: RoomBuffer;
  readonly presence: PresenceBook;
  readonly #store: RoomStore;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #base: string;
  readonly #rooms = new Map<string, RoomRecord>();
  readonly #paused = new Map<string, { id: string; name: string }>();
  readonly #posts = new PostBook();
  readonly #rate: SlidingWindow;
  readonly #fanout: Fanout;
  readonly #access: Access;
  /** Aborted at shutdown: every long poll and waiting task ends at once. */
  readonly #closing = new AbortController();

  constructor(private readonly options: RoomsOptions) {
    super();
    this.limits = options.limits;
    this.#store = options.store;
    this.#log = options.logger.child({ component: "rooms" });
    this.#now = options.now ?? Date.now;
    this.#base = options.publicUrl.replace(/\/+$/, "");
    this.buffer = new RoomBuffer(options.limits.bufferSize);
    this.presence = new PresenceBook(options.limits.pollingWindowMs, this.#now);
    this.#rate = new SlidingWindow(options.limits.messagesPerMinute, 60_000, this.#now);
    this.#access = new Access({
      store: this.#store,
      room: (id) => this.#rooms.get(id),
      reservedNames: options.reservedNames,
      agentsPerRoom: options.limits.agentsPerRoom,
      now: this.#now,
      onJoin: (s) => {
        this.#log.info({ room: s.room.id, agent: s.member.id, invite: s.invite.id }, "an outside agent claimed its invite");
        this.#announce(s.room.id, "join", s.member.id, s.member.name, `${s.member.name} joined the room`);
      },
    });
    this.#fanout = new Fanout(this.buffer, this.presence);
  }

  get access(): Access {
    return this.#access;
  }

  get publicUrl(): string {
    return this.#base;
  }

  /** Loads the stored rooms. */
  async load(): Promise<void> {
    await this.#store.open();
    for (const room of await this.#store.rooms()) this.#rooms.set(room.id, room);
  }

  /** Ends every connection and long poll, keeps when each agent was last seen, then closes the store. */
  async shutdown(): Promise<void> {
    this.#closing.abort();
    const seen = this.presence.seen();
    for (const { memberId } of [...this.presence.sockets()]) this.presence.drop(memberId, CLOSE.shutdown, "server shutting down");
    this.#fanout.wakeAll();
    for (const { memberId, at, transport } of seen) {
      const member = await this.#store.member(memberId);
      if (member) await this.#store.putMember({ ...member, last_seen: at, transport: transport ?? member.transport });
    }
    await this.#store.close();
  }

  // ── The port (rooms-contract.md) ──────────────────────────────────────────

  async open(channel: { id: string; guild_id: string; name: string }, by: string): Promise<RoomInfo> {
    const existing = this.roomOfChannel(channel.id);
    if (existing) return existing;
    const room: RoomRecord = {
      id: newId("room"),
      channel_id: channel.id,
      guild_id: channel.guild_id,
      name: channel.name,
      opened_by: by,
      created_at: this.#iso(),
    };
    await this.#store.putRoom(room);
    this.#rooms.set(room.id, room);
    this.#log.info({ room: room.id, channel: channel.id, by }, "room opened");
    return info(room);
  }

  async close(roomId: string): Promise<void> {
    const room = this.#room(roomId);
    for (const member of await this.#store.members(roomId)) this.#disconnect(member.id, CLOSE.roomClosed, "ROOM_CLOSED", "the room was closed");
    this.#rooms.delete(roomId);
    this.#paused.delete(roomId);
    await this.#store.deleteRoom(roomId);
    this.buffer.drop(roomId);
    this.#log.info({ room: roomId, channel: room.channel_id }, "room closed");
  }

  roomOfChannel(channelId: string): RoomInfo | undefined {
    for (const room of this.#rooms.values()) if (room.channel_id === channelId) return info(room);
    return undefined;
  }

  /** Every open room. */
  list(): RoomInfo[] {
    return [...this.#rooms.values()].map(info);
  }

  room(roomId: string): RoomInfo | undefined {
    const room = this.#rooms.get(roomId);
    return room && info(room);
  }

  async createInvite(roomId: string, options: { label: string; mode: RoomMode; for?: AgentKind }, by: string): Promise<InviteCreated> {
    const room = this.#room(roomId);
    const { label, mode } = options;
    const made = newInvite(await this.#store.invites(roomId), { roomId, label, mode, by }, this.limits, this.#now());
    await this.#store.putInvite(made.record);
    const { record, key, link, code } = made;
    const a2a = await this.a2aLinks(roomId);
    this.#log.info({ room: roomId, invite: record.id, mode: record.mode, by }, "invite created");
    return {
      invite: { id: record.id, label: record.label, mode: record.mode, expires_at: record.expires_at },
      key,
      join_url: `${this.#base}/join/${link}`,
      join_code: code,
      block: this.block(room, record.mode, { key }, options.for, a2a),
      transports: this.transports(room, key, a2a),
    };
  }

  /** Every way to connect with a key: MCP, A2A (one card per bot), REST, WebSocket. */
  transports(room: RoomInfo, key: string, a2a: A2aBotLink[]): InviteCreated["transports"] {
    return { mcp: mcpTransport(this.#base, room.id, key), a2a, rest: restUrlOf(this.#base, room.id), ws: wsUrlOf(this.#base) };
  }

  /** The bots of a room's channel (A2A agents); none when the channel's bots are not known. */
  async bots(roomId: string): Promise<RoomBot[]> {
    const room = this.#room(roomId);
    return [...((await this.options.botsOf?.(room.channel_id)) ?? [])];
  }

  /** Where each bot's agent card is. */
  async a2aLinks(roomId: string): Promise<A2aBotLink[]> {
    return (await this.bots(roomId)).map((b) => ({ bot: b.name, card_url: a2aCardUrlOf(this.#base, roomId, b.id) }));
  }

  /** Aborted when the rooms shut down. */
  get closing(): AbortSignal {
    return this.#closing.signal;
  }

  /** The room's clock (ms). */
  now(): number {
    return this.#now();
  }

  async agents(roomId: string): Promise<RoomAgentView[]> {
    this.#room(roomId);
    const invites = new Map((await this.#store.invites(roomId)).map((i) => [i.id, i]));
    const views: RoomAgentView[] = [];
    for (const member of await this.#store.members(roomId)) {
      const invite = invites.get(member.invite_id);
      if (!invite || invite.revoked) continue;
      views.push({ id: member.id, name: member.name, label: invite.label, mode: invite.mode, ...this.presence.view(member.id, member) });
    }
    return views;
  }

  async revoke(roomId: string, label: string): Promise<boolean> {
    this.#room(roomId);
    const invite = (await this.#store.invites(roomId)).find((i) => !i.revoked && i.label.toLowerCase() === label.trim().toLowerCase());
    return invite ? this.revokeInvite(roomId, invite.id) : false;
  }

  /** Revokes one invite: its key, link and code die and its agent is disconnected at once. */
  async revokeInvite(roomId: string, inviteId: string): Promise<boolean> {
    const invite = await this.#store.invite(inviteId);
    if (!invite || invite.room_id !== roomId || invite.revoked) return false;
    await this.#store.putInvite({ ...invite, revoked: true });
    if (invite.claimed_by) {
      const member = await this.#store.member(invite.claimed_by);
      this.#disconnect(invite.claimed_by, CLOSE.revoked, "KEY_REVOKED", "your invite was revoked");
      if (member) this.#announce(roomId, "leave", member.id, member.name, `${member.name} left the room (invite revoked)`);
    }
    this.#log.info({ room: roomId, invite: inviteId }, "invite revoked");
    return true;
  }

  ingest(channelId: string, event: ChannelEvent): void {
    const room = this.roomOfChannel(channelId);
    if (!room) return;
    const own = this.#posts.byDiscordId(event.discord_message_id);
    const kind = own ? "agent" : event.author.kind;
    this.buffer.append({
      type: kind === "system" ? "system" : "message",
      id: `msg_${event.discord_message_id}`,
      room_id: room.id,
      from: own ? own.post.member_id : event.author.id,
      from_name: own ? own.post.name : event.author.name,
      kind,
      content: event.content,
      mentions: [...event.mentions],
      timestamp: isoTime(event.created_at) ?? this.#iso(),
      ...(event.reply_to ? { reply_to: `msg_${event.reply_to}` } : {}),
    });
  }

  pause(channelId: string, by: { id: string; name: string }): void {
    const room = this.roomOfChannel(channelId);
    if (!room || this.#paused.has(room.id)) return;
    this.#paused.set(room.id, { ...by });
    this.#system(room.id, "paused", `${by.name} said stop: delivery is paused both ways until a person speaks again; your posts are refused until then.`);
  }

  resume(channelId: string): void {
    const room = this.roomOfChannel(channelId);
    if (!room || !this.#paused.delete(room.id)) return;
    this.#system(room.id, "resumed", "A person spoke again: delivery is resumed.");
  }

  settle(postId: string, status: PostStatus, discordMessageId?: string): void {
    const settled = this.#posts.settle(postId, status, discordMessageId);
    if (!settled?.notify) return;
    const { post } = settled.record;
    this.buffer.append({
      ...this.#systemEntry(post.room_id, "post_status", `Your post ${post.post_id} was ${status}.`),
      to: post.member_id,
      post_id: post.post_id,
      status,
    });
  }

  // ── What the transports call ──────────────────────────────────────────────

  /** The block of a room with a key, or with the way to claim one (the join link's page). */
  block(room: RoomInfo, mode: RoomMode, credential: { key: string } | { claimUrl: string }, kind?: AgentKind, a2a: A2aBotLink[] = []): string {
    const l = this.limits;
    return instructionBlock({
      roomName: room.name,
      roomId: room.id,
      base: this.#base,
      mode,
      credential,
      ...(kind && { for: kind }),
      a2a,
      limits: {
        messagesPerMinute: l.messagesPerMinute,
        messageBytes: l.messageBytes,
        pollIntervalMs: l.pollIntervalMs,
        joinTimeoutMs: l.joinTimeoutMs,
        botTurnCap: l.botTurnCap,
      },
    });
  }

  /** An authenticated agent of `roomId`; any other room's id is refused. */
  async session(key: string, roomId: string | undefined, transport: Transport, name?: string): Promise<AgentSession> {
    const session = await this.#access.authenticate(key, transport, name);
    if (roomId !== undefined && session.room.id !== roomId) {
      throw new RoomsError("WRONG_ROOM", `this key belongs to room ${session.room.id}, not ${roomId}`);
    }
    return session;
  }

  /** Posts for an agent (paused rooms, size and rate checked; content scrubbed); auto mode waits for delivery. */
  async post(session: AgentSession, raw: string): Promise<PostAnswer> {
    const { room, member, invite } = session;
    const stopped = this.#paused.get(room.id);
    if (stopped) throw new RoomsError("ROOM_PAUSED", `${stopped.name} said stop: posts are refused until a person speaks again`);
    if (raw.trim() === "") throw new RoomsError("VALIDATION_ERROR", 'content: a message of 1 byte to 4 KB, e.g. {"content": "Hello"}');
    const bytes = Buffer.byteLength(raw, "utf8");
    if (bytes > this.limits.messageBytes)
      throw new RoomsError("MESSAGE_TOO_LARGE", `content: ${bytes} bytes; a message may have at most ${this.limits.messageBytes}`);
    const retry = this.#rate.take(member.id);
    if (retry > 0) throw new RoomsError("RATE_LIMITED", `at most ${this.limits.messagesPerMinute} messages a minute; retry in ${retry} s`, retry);
    if (this.listenerCount("post") === 0) throw new RoomsError("ROOMS_UNAVAILABLE", "the Discord side is not connected yet; try again shortly");
    this.presence.touch(member.id);
    const post: OutsidePost = {
      post_id: newId("post"),
      room_id: room.id,
      channel_id: room.channel_id,
      member_id: member.id,
      name: member.name,
      content: scrubContent(raw),
      mode: invite.mode,
    };
    const timestamp = this.#iso();
    let status: PostStatus;
    try {
      status = await this.#posts.submit(post, timestamp, () => this.emit("post", post), this.limits.settleTimeoutMs);
    } catch (err) {
      this.#log.error({ err, room: room.id, post: post.post_id }, "the Discord side failed to take an outside post");
      status = "rejected";
    }
    return { id: post.post_id, room_id: room.id, agent_id: member.id, content: post.content, timestamp, type: "message", status };
  }

  /** A post's status once settled (a person's decision in ask mode), or "pending" after `ms` or an abort. */
  async settledStatus(postId: string, ms: number, signal?: AbortSignal): Promise<PostStatus> {
    const record = this.#posts.get(postId);
    if (!record || record.status !== "pending") return record?.status ?? "rejected";
    const aborted = new Promise<PostStatus>((resolve) => {
      if (signal?.aborted) resolve("pending");
      signal?.addEventListener("abort", () => resolve("pending"), { once: true });
    });
    return Promise.race([this.#posts.waitSettled(postId, ms), aborted]);
  }

  /** The buffer id (msg_…) of the channel message that delivered a post, once delivered. */
  deliveredAs(postId: string): string | undefined {
    const id = this.#posts.get(postId)?.discord_message_id;
    return id ? `msg_${id}` : undefined;
  }

  /** A post's current status, for its own agent only. */
  postStatus(session: AgentSession, postId: string): { id: string; status: PostStatus; content: string; timestamp: string } {
    const record = this.#posts.get(postId);
    if (!record || record.post.member_id !== session.member.id) throw new RoomsError("POST_NOT_FOUND", `no post ${postId} of yours in this room`);
    return { id: postId, status: record.status, content: record.post.content, timestamp: record.timestamp };
  }

  /** Messages after `since`; with `waitMs`, waits for the first one (long poll); a revoke ends the wait with an error. */
  async read(session: AgentSession, since: string | undefined, limit: number, waitMs: number, signal?: AbortSignal): Promise<ReadPage> {
    const deadline = this.#now() + waitMs;
    const stop = signal ? AbortSignal.any([signal, this.#closing.signal]) : this.#closing.signal;
    for (;;) {
      const page = this.buffer.read(session.room.id, session.member.id, since, limit);
      const left = deadline - this.#now();
      if (page.messages.length > 0 || left <= 0 || stop.aborted) return page;
      await this.#fanout.wait(session.room.id, session.member.id, left, stop);
    }
  }

  /** Long polls waiting in a room now (diagnostics, tests). */
  longPolls(roomId: string): number {
    return this.#fanout.waiting(roomId);
  }

  /** Room details and its agents, for an agent of the room. */
  async roomView(session: AgentSession): Promise<object> {
    const { room } = session;
    const stopped = this.#paused.get(room.id);
    const members = (await this.agents(room.id)).map(({ id, name, presence, transport }) => ({ id, name, kind: "agent", presence, transport }));
    return { id: room.id, name: room.name, you: session.member.id, paused: stopped ? { by: stopped.name } : null, members };
  }

  /** Makes a WebSocket the agent's one connection (the old one is told and closed); announces a fresh connection. */
  attach(session: AgentSession, socket: AgentSocket): void {
    const old = this.presence.attach(session.member.id, session.room.id, socket);
    if (old) {
      old.send({ type: "error", code: "REPLACED", message: "a newer connection with your key replaced this one" });
      old.close(CLOSE.replaced, "replaced by a newer connection");
    } else this.#announce(session.room.id, "join", session.member.id, session.member.name, `${session.member.name} connected`);
  }

  /** The WebSocket closed; announces the agent left unless a newer connection took over. */
  detach(session: AgentSession, socket: AgentSocket): void {
    if (this.presence.detach(session.member.id, socket) && this.#rooms.has(session.room.id)) {
      this.#announce(session.room.id, "leave", session.member.id, session.member.name, `${session.member.name} disconnected`);
    }
  }

  // ── Inside ────────────────────────────────────────────────────────────────

  #disconnect(memberId: string, closeCode: number, code: string, message: string): void {
    this.presence.socket(memberId)?.send({ type: "error", code, message });
    this.presence.drop(memberId, closeCode, message);
    this.#rate.forget(memberId);
    this.#fanout.fail(memberId, new RoomsError("KEY_REVOKED", message));
  }

  #announce(roomId: string, type: "join" | "leave", memberId: string, name: string, content: string): void {
    this.buffer.append({
      type,
      id: newId("evt"),
      room_id: roomId,
      from: memberId,
      from_name: name,
      kind: "agent",
      content,
      mentions: [],
      timestamp: this.#iso(),
    });
  }

  #system(roomId: string, event: RoomMessage["event"], content: string): void {
    this.buffer.append(this.#systemEntry(roomId, event, content));
  }

  #systemEntry(roomId: string, event: RoomMessage["event"], content: string): RoomMessage {
    const by = event === "paused" ? this.#paused.get(roomId) : undefined;
    return {
      type: "system",
      id: newId("evt"),
      room_id: roomId,
      from: "system",
      from_name: "BoBB",
      kind: "system",
      content,
      mentions: [],
      timestamp: this.#iso(),
      ...(event ? { event } : {}),
      ...(by ? { by: { ...by } } : {}),
    };
  }

  #room(roomId: string): RoomRecord {
    const room = this.#rooms.get(roomId);
    if (!room) throw new RoomsError("ROOM_NOT_FOUND", `no room ${roomId}; open one with POST /api/rooms {"channel_id": "…"}`);
    return room;
  }

  #iso(): string {
    return new Date(this.#now()).toISOString();
  }
}

function info(room: RoomRecord): RoomInfo {
  return { id: room.id, channel_id: room.channel_id, guild_id: room.guild_id, name: room.name };
}
