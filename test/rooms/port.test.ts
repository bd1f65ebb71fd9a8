import { describe, expect, it } from "vitest";
import type { ChannelEvent, InviteCreated, OutsidePost, PostStatus, RoomAgentView, RoomInfo, RoomMode } from "../../src/rooms/index.js";
import { Rooms } from "../../src/rooms/index.js";

/** The port of rooms-contract.md, as the Discord side declares it (src/discord/rooms/ports.ts): Rooms must fit it. */
interface RoomsPort {
  open(channel: { id: string; guild_id: string; name: string }, by: string): Promise<RoomInfo>;
  close(roomId: string): Promise<void>;
  roomOfChannel(channelId: string): RoomInfo | undefined;
  createInvite(roomId: string, options: { label: string; mode: RoomMode }, by: string): Promise<InviteCreated>;
  agents(roomId: string): Promise<RoomAgentView[]>;
  revoke(roomId: string, label: string): Promise<boolean>;
  ingest(channelId: string, event: ChannelEvent): void;
  pause(channelId: string, by: { id: string; name: string }): void;
  resume(channelId: string): void;
  on(event: "post", listener: (post: OutsidePost) => void): unknown;
  off(event: "post", listener: (post: OutsidePost) => void): unknown;
  settle(postId: string, status: PostStatus, discordMessageId?: string): void;
}

describe("the rooms port", () => {
  it("is implemented structurally by the Rooms service", () => {
    const fits = (rooms: Rooms): RoomsPort => rooms; // a mismatch fails type-checking here
    expect(typeof fits).toBe("function");
    for (const method of ["open", "close", "roomOfChannel", "createInvite", "agents", "revoke", "ingest", "pause", "resume", "on", "off", "settle"]) {
      expect(typeof (Rooms.prototype as unknown as Record<string, unknown>)[method]).toBe("function");
    }
  });
});
