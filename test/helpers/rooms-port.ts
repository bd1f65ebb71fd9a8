import { EventEmitter } from "node:events";
import type { ChannelEvent, InviteCreated, OutsidePost, PostStatus, RoomAgentView, RoomInfo, RoomMode, RoomsPort } from "../../src/discord/rooms/ports.js";

/**
 * An in-memory rooms core for testing the Discord side: the dependency, not the thing under test. It keeps
 * what the Discord side told it (events, pauses, settlements) and lets a test play an outside agent (`join`, `say`).
 */
export class FakeRoomsPort extends EventEmitter implements RoomsPort {
  readonly rooms = new Map<string, RoomInfo>();
  readonly invites: Array<{ id: string; roomId: string; label: string; mode: RoomMode; by: string; revoked: boolean }> = [];
  readonly members: Array<RoomAgentView & { roomId: string }> = [];
  readonly events: Array<{ channelId: string; event: ChannelEvent }> = [];
  readonly pauses: Array<{ channelId: string; by: { id: string; name: string } }> = [];
  readonly resumes: string[] = [];
  readonly settlements: Array<{ postId: string; status: PostStatus; discordMessageId?: string | undefined }> = [];
  readonly paused = new Set<string>();
  /** The instruction block createInvite returns (a test may make it long, or Markdown with fences, as the core's is). */
  blockOf = (room: RoomInfo | undefined, key: string): string =>
    [`BoBB room "${room?.name}"`, `Room ID: ${room?.id}`, `Your key: ${key}`, "POST http://rooms.test/api/rooms/…/messages"].join("\n");
  #next = 0;

  async open(channel: { id: string; guild_id: string; name: string }): Promise<RoomInfo> {
    const existing = this.roomOfChannel(channel.id);
    if (existing) return existing;
    const room = { id: `room_${++this.#next}`, channel_id: channel.id, guild_id: channel.guild_id, name: channel.name };
    this.rooms.set(room.id, room);
    return room;
  }

  async close(roomId: string): Promise<void> {
    this.rooms.delete(roomId);
  }

  list(): RoomInfo[] {
    return [...this.rooms.values()];
  }

  roomOfChannel(channelId: string): RoomInfo | undefined {
    return [...this.rooms.values()].find((r) => r.channel_id === channelId);
  }

  async createInvite(roomId: string, options: { label: string; mode: RoomMode }, by: string): Promise<InviteCreated> {
    const id = `inv_${++this.#next}`;
    this.invites.push({ id, roomId, ...options, by, revoked: false });
    const key = `ak_fake${id}secretsecretsecret`;
    return {
      invite: { id, label: options.label, mode: options.mode, expires_at: new Date(Date.now() + 72 * 3600_000).toISOString() },
      key,
      join_url: `http://rooms.test/join/J${id}`,
      join_code: "ABC123",
      block: this.blockOf(this.rooms.get(roomId), key),
      transports: { rest: `http://rooms.test/api/rooms/${roomId}`, ws: "ws://rooms.test/ws", a2a: [] },
    };
  }

  async agents(roomId: string): Promise<RoomAgentView[]> {
    return this.members.filter((m) => m.roomId === roomId).map(({ roomId: _room, ...view }) => view);
  }

  async revoke(roomId: string, label: string): Promise<boolean> {
    const invite = this.invites.find((i) => i.roomId === roomId && i.label === label && !i.revoked);
    if (!invite) return false;
    invite.revoked = true;
    this.members.splice(0, this.members.length, ...this.members.filter((m) => !(m.roomId === roomId && m.label === label)));
    return true;
  }

  ingest(channelId: string, event: ChannelEvent): void {
    this.events.push({ channelId, event });
    this.emit("ingested", channelId, event);
  }

  pause(channelId: string, by: { id: string; name: string }): void {
    this.paused.add(channelId);
    this.pauses.push({ channelId, by });
  }

  resume(channelId: string): void {
    this.paused.delete(channelId);
    this.resumes.push(channelId);
  }

  settle(postId: string, status: PostStatus, discordMessageId?: string): void {
    this.settlements.push({ postId, status, discordMessageId });
  }

  /** An outside agent joins a room with the invite labelled `label`. */
  join(roomId: string, label: string, name: string, transport: "rest" | "ws" = "rest"): RoomAgentView {
    const invite = this.invites.find((i) => i.roomId === roomId && i.label === label && !i.revoked);
    if (!invite) throw new Error(`no live invite ${label} in ${roomId}`);
    const member = {
      roomId,
      id: `mem_${++this.#next}`,
      name,
      label,
      mode: invite.mode,
      transport,
      presence: transport === "ws" ? ("connected" as const) : ("polling" as const),
      last_seen: new Date().toISOString(),
    };
    this.members.push(member);
    return member;
  }

  /** The agent posts (as the core would emit it after auth and limits); refused while paused, as the core does. Returns the post id. */
  say(memberId: string, content: string): string | undefined {
    const member = this.members.find((m) => m.id === memberId);
    if (!member) throw new Error(`no member ${memberId}`);
    const room = this.rooms.get(member.roomId)!;
    if (this.paused.has(room.channel_id)) return undefined;
    const post: OutsidePost = {
      post_id: `post_${++this.#next}`,
      room_id: room.id,
      channel_id: room.channel_id,
      member_id: member.id,
      name: member.name,
      content,
      mode: member.mode,
    };
    this.emit("post", post);
    return post.post_id;
  }

  /** Events ingested for a channel, oldest first. */
  eventsIn(channelId: string): ChannelEvent[] {
    return this.events.filter((e) => e.channelId === channelId).map((e) => e.event);
  }
}
