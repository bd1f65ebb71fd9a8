import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_ROOM_LIMITS, startRooms, type RoomsHandle } from "../../src/rooms/index.js";
import { PgRoomStore } from "../../src/store/pg/room-store.js";
import { captureLogs } from "../helpers/logs.js";
import { postgresOrSkip } from "../helpers/postgres.js";
import { call, CHANNEL } from "../helpers/rooms.js";
import { tempDir } from "../helpers/temp.js";

const { pg: server, skip } = await postgresOrSkip();
if (skip) console.warn(skip);

/** Two hosts' rooms listeners over one database: an invite made on one is claimed through either, once. */
describe.skipIf(skip !== undefined)("rooms in PostgreSQL on two hosts (real listeners)", () => {
  const handles: RoomsHandle[] = [];
  const dirs: Array<{ cleanup(): Promise<void> }> = [];
  afterAll(async () => {
    for (const h of handles) await h.close();
    for (const d of dirs) await d.cleanup();
    await server?.stop();
  });

  const host = async (url: string) => {
    const dir = await tempDir("bobb-rooms-host-");
    dirs.push(dir);
    const root = captureLogs();
    const handle = await startRooms({
      dataDir: dir.dir,
      host: "127.0.0.1",
      port: 0,
      limits: { ...DEFAULT_ROOM_LIMITS, pollIntervalMs: 1 },
      logger: root.logger,
      reservedNames: () => [],
      store: new PgRoomStore({ url }),
    });
    handles.push(handle);
    return { handle, lines: root.lines };
  };

  it("the invite's join link claimed on both hosts at once: one agent gets the key, the other CODE_CLAIMED; nothing secret is stored", async () => {
    const url = await server!.createDatabase("rooms_two_hosts");
    const a = await host(url);
    const room = await a.handle.rooms.open(CHANNEL, "900000000000000001");
    const created = await a.handle.rooms.createInvite(room.id, { label: "Race", mode: "auto" }, "900000000000000001");
    const b = await host(url);
    expect(b.handle.rooms.roomOfChannel(CHANNEL.id)).toMatchObject({ id: room.id });

    const path = new URL(created.join_url).pathname;
    const [onA, onB] = await Promise.all([
      call(`${a.handle.url}${path}`, undefined, "POST", { name: "Alpha" }),
      call(`${b.handle.url}${path}`, undefined, "POST", { name: "Beta" }),
    ]);
    const statuses = [onA.status, onB.status].sort();
    expect(statuses).toEqual([201, 409]);
    const loser = onA.status === 409 ? onA : onB;
    expect(loser.json.error.code).toBe("CODE_CLAIMED");
    const winner = onA.status === 201 ? onA : onB;
    // The winner's new key works on the other host too (the claim is in the shared store).
    const other = winner === onA ? b : a;
    expect((await call(`${other.handle.url}/api/rooms/${room.id}`, winner.json.key)).status).toBe(200);
    // And the block's key, spent by the link's claim, is refused on both.
    for (const h of [a, b]) expect((await call(`${h.handle.url}/api/rooms/${room.id}`, created.key)).json.error.code).toBe("KEY_CLAIMED");

    // The database holds hashes only: neither the block's key, the minted key, the link nor the code.
    const store = new PgRoomStore({ url });
    await store.open();
    try {
      const [invite] = await store.invites(room.id);
      const stored = JSON.stringify({ invite, members: await store.members(room.id), rooms: await store.rooms() });
      for (const secret of [created.key, winner.json.key as string, path.split("/").pop()!, created.join_code]) expect(stored).not.toContain(secret);
      expect(invite).toMatchObject({ claimed_via: "link", claimed_by: winner.json.agent.id });
    } finally {
      await store.close();
    }
  });
});
