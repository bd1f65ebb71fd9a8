import { createHash } from "node:crypto";
import path from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { FileRoomStore, type RoomStore } from "../../src/rooms/store.js";
import type { InviteRecord, MemberRecord, RoomRecord } from "../../src/rooms/types.js";
import { PgRoomStore } from "../../src/store/pg/room-store.js";
import { postgresOrSkip } from "../helpers/postgres.js";
import { tempDir } from "../helpers/temp.js";

/** One backend: opens stores over one set of rooms (the same file, or the same database). */
interface Backend {
  name: string;
  /** Several processes (hosts) may hold a store over the same rooms at once. */
  sharedWriters: boolean;
  skip?: string | undefined;
  setup(): Promise<{ open(): Promise<RoomStore>; cleanup(): Promise<void> }>;
}

const { pg: server, skip } = await postgresOrSkip();
if (skip) console.warn(skip);
afterAll(() => server?.stop());

const opened: RoomStore[] = [];
async function openStore(store: RoomStore): Promise<RoomStore> {
  opened.push(store);
  await store.open();
  return store;
}

let databases = 0;
const backends: Backend[] = [
  {
    name: "file",
    sharedWriters: false,
    async setup() {
      const { dir, cleanup } = await tempDir();
      return { open: () => openStore(new FileRoomStore(path.join(dir, "rooms.json"))), cleanup };
    },
  },
  {
    name: "postgresql",
    skip,
    sharedWriters: true,
    async setup() {
      const url = await server!.createDatabase(`rooms_${++databases}`);
      return { open: () => openStore(new PgRoomStore({ url })), cleanup: async () => {} };
    },
  },
];

const hash = (s: string) => createHash("sha256").update(s).digest("hex");
const room = (id: string): RoomRecord => ({
  id,
  channel_id: `ch-${id}`,
  guild_id: "g1",
  name: `room ${id}`,
  opened_by: "u1",
  created_at: "2026-01-01T00:00:00.000Z",
});
const invite = (id: string, roomId: string, extra: Partial<InviteRecord> = {}): InviteRecord => ({
  id,
  room_id: roomId,
  label: `label ${id}`,
  mode: "auto",
  key_hash: hash(`key-${id}`),
  link_hash: hash(`link-${id}`),
  code_hash: hash(`code-${id}`),
  created_by: "u1",
  created_at: "2026-01-01T00:00:01.000Z",
  expires_at: "2026-01-02T00:00:00.000Z",
  code_expires_at: "2026-01-01T00:10:00.000Z",
  claimed_by: null,
  claimed_at: null,
  claimed_via: null,
  claimed_key_hash: null,
  revoked: false,
  ...extra,
});
const member = (id: string, roomId: string, inviteId: string): MemberRecord => ({
  id,
  room_id: roomId,
  invite_id: inviteId,
  name: `Agent ${id}`,
  joined_at: "2026-01-01T00:01:00.000Z",
  last_seen: null,
  transport: null,
});
const AT = "2026-01-01T00:01:00.000Z";

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`rooms store contract: ${backend.name}`, () => {
    let ctx: Awaited<ReturnType<Backend["setup"]>>;
    beforeEach(async () => {
      ctx = await backend.setup();
    });
    afterEach(async () => {
      for (const store of opened.splice(0)) await store.close();
      await ctx.cleanup();
    });

    it("stores rooms, invites and members as given, and a fresh store reads the same", async () => {
      const store = await ctx.open();
      expect(await store.rooms()).toEqual([]);
      await store.putRoom(room("r1"));
      await store.putInvite(invite("i1", "r1"));
      await store.putMember(member("m0", "r1", "i1"));
      await store.putMember({ ...member("m0", "r1", "i1"), last_seen: AT, transport: "ws" });
      await store.close();
      const again = await ctx.open();
      expect(await again.rooms()).toEqual([room("r1")]);
      expect(await again.invites("r1")).toEqual([invite("i1", "r1")]);
      expect(await again.invite("i1")).toEqual(invite("i1", "r1"));
      expect(await again.invite("nope")).toBeUndefined();
      expect(await again.members("r1")).toEqual([{ ...member("m0", "r1", "i1"), last_seen: AT, transport: "ws" }]);
      expect(await again.member("m0")).toMatchObject({ transport: "ws" });
      expect(await again.invites("other")).toEqual([]);
    });

    it("finds an invite by each of its hashes, and by nothing else", async () => {
      const store = await ctx.open();
      await store.putRoom(room("r1"));
      await store.putInvite(invite("i1", "r1"));
      for (const field of ["key_hash", "link_hash", "code_hash"] as const) {
        expect((await store.inviteByHash(field, invite("i1", "r1")[field]))?.id).toBe("i1");
      }
      expect(await store.inviteByHash("key_hash", hash("key-other"))).toBeUndefined();
      expect(await store.inviteByHash("link_hash", invite("i1", "r1").key_hash)).toBeUndefined();
      expect(await store.inviteByHash("claimed_key_hash", hash("minted"))).toBeUndefined();
      expect(await store.claim("i1", member("m1", "r1", "i1"), "link", hash("minted"), AT)).toBe(true);
      expect((await store.inviteByHash("claimed_key_hash", hash("minted")))?.id).toBe("i1");
    });

    it("claim binds an invite to its first agent only, and never a revoked or unknown one", async () => {
      const store = await ctx.open();
      await store.putRoom(room("r1"));
      await store.putInvite(invite("i1", "r1"));
      await store.putInvite(invite("i2", "r1", { revoked: true }));
      expect(await store.claim("i1", member("m1", "r1", "i1"), "key", null, AT)).toBe(true);
      expect(await store.claim("i1", member("m2", "r1", "i1"), "code", hash("k2"), AT)).toBe(false);
      expect(await store.claim("i2", member("m3", "r1", "i2"), "key", null, AT)).toBe(false);
      expect(await store.claim("unknown", member("m4", "r1", "unknown"), "key", null, AT)).toBe(false);
      expect(await store.invite("i1")).toMatchObject({ claimed_by: "m1", claimed_at: AT, claimed_via: "key", claimed_key_hash: null });
      expect((await store.members("r1")).map((m) => m.id)).toEqual(["m1"]);
    });

    it("of many agents claiming one invite at once, exactly one wins", async () => {
      const stores = backend.sharedWriters ? [await ctx.open(), await ctx.open()] : [await ctx.open()];
      await stores[0]!.putRoom(room("r1"));
      await stores[0]!.putInvite(invite("i1", "r1"));
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => stores[i % stores.length]!.claim("i1", member(`m${i}`, "r1", "i1"), "key", null, AT)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = `m${results.indexOf(true)}`;
      for (const store of stores) {
        expect((await store.invite("i1"))?.claimed_by).toBe(winner);
        expect((await store.members("r1")).map((m) => m.id)).toEqual([winner]);
      }
    });

    it("revoking after a claim keeps the claim; deleting a room takes its invites and members", async () => {
      const store = await ctx.open();
      await store.putRoom(room("r1"));
      await store.putRoom(room("r2"));
      await store.putInvite(invite("i1", "r1"));
      await store.putInvite(invite("i2", "r2"));
      expect(await store.claim("i1", member("m1", "r1", "i1"), "key", null, AT)).toBe(true);
      await store.putMember(member("m2", "r2", "i2"));
      // A revoke writes the whole invite back (as the rooms service does).
      await store.putInvite({ ...(await store.invite("i1"))!, revoked: true });
      expect(await store.invite("i1")).toMatchObject({ claimed_by: "m1", revoked: true });
      await store.deleteRoom("r1");
      expect((await store.rooms()).map((r) => r.id)).toEqual(["r2"]);
      expect(await store.invites("r1")).toEqual([]);
      expect(await store.invite("i1")).toBeUndefined();
      expect(await store.members("r1")).toEqual([]);
      expect(await store.member("m1")).toBeUndefined();
      expect((await store.members("r2")).map((m) => m.id)).toEqual(["m2"]);
    });
  });
}
