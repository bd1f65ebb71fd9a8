import pg from "pg";
import type { HashField, RoomStore } from "../../rooms/store.js";
import type { InviteRecord, MemberRecord, RoomRecord } from "../../rooms/types.js";
import { migrate } from "./migrate.js";

export interface PgRoomStoreOptions {
  /** postgresql:// URL (BOBB_DATABASE_URL). */
  url: string;
}

const ROOM_COLUMNS = ["id", "channel_id", "guild_id", "name", "opened_by", "created_at"] as const;
const INVITE_COLUMNS = [
  "id",
  "room_id",
  "label",
  "mode",
  "key_hash",
  "link_hash",
  "code_hash",
  "created_by",
  "created_at",
  "expires_at",
  "code_expires_at",
  "claimed_by",
  "claimed_at",
  "claimed_via",
  "claimed_key_hash",
  "revoked",
] as const;
const MEMBER_COLUMNS = ["id", "room_id", "invite_id", "name", "joined_at", "last_seen", "transport"] as const;
const CLAIM_COLUMNS = new Set(["claimed_by", "claimed_at", "claimed_via", "claimed_key_hash"]);
/** Only these names ever reach SQL as a column (the field comes from code, checked again here). */
const HASH_FIELDS = new Set<HashField>(["key_hash", "claimed_key_hash", "link_hash", "code_hash"]);

/** INSERT … ON CONFLICT (id) DO UPDATE of every column; `keep` columns keep a value already set. */
function upsert(table: string, columns: readonly string[], keep: ReadonlySet<string> = new Set()): string {
  const params = columns.map((_, i) => `$${i + 1}`).join(", ");
  const sets = columns
    .filter((c) => c !== "id")
    .map((c) => (keep.has(c) ? `${c} = COALESCE(${table}.${c}, EXCLUDED.${c})` : `${c} = EXCLUDED.${c}`))
    .join(", ");
  return `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${params}) ON CONFLICT (id) DO UPDATE SET ${sets}`;
}

const values = <T extends object>(row: T, columns: readonly (keyof T & string)[]) => columns.map((c) => row[c]);

/**
 * The rooms in PostgreSQL, shared by every host: the same contract as the file store, with hashes
 * only. `claim` is one conditional UPDATE (… WHERE claimed_by IS NULL AND NOT revoked), so of two
 * agents claiming one invite at once, on any hosts, exactly one wins.
 */
export class PgRoomStore implements RoomStore {
  #pool: pg.Pool | undefined;

  constructor(readonly options: PgRoomStoreOptions) {}

  async open(): Promise<void> {
    const pool = new pg.Pool({ connectionString: this.options.url, max: 4 });
    // An idle connection that fails is replaced by the pool; the next query reports a real failure.
    pool.on("error", () => undefined);
    this.#pool = pool;
    await migrate(pool);
  }

  async close(): Promise<void> {
    const pool = this.#pool;
    this.#pool = undefined;
    await pool?.end().catch(() => undefined);
  }

  async rooms(): Promise<RoomRecord[]> {
    return (await this.#db().query<RoomRecord>(`SELECT ${ROOM_COLUMNS.join(", ")} FROM rooms ORDER BY created_at, id`)).rows;
  }

  async putRoom(room: RoomRecord): Promise<void> {
    await this.#db().query(upsert("rooms", ROOM_COLUMNS), values(room, [...ROOM_COLUMNS]));
  }

  async deleteRoom(roomId: string): Promise<void> {
    // Its invites and members go with it (ON DELETE CASCADE).
    await this.#db().query("DELETE FROM rooms WHERE id = $1", [roomId]);
  }

  async invites(roomId: string): Promise<InviteRecord[]> {
    return (await this.#db().query<InviteRecord>(`SELECT ${INVITE_COLUMNS.join(", ")} FROM room_invites WHERE room_id = $1 ORDER BY created_at, id`, [roomId]))
      .rows;
  }

  async invite(id: string): Promise<InviteRecord | undefined> {
    return (await this.#db().query<InviteRecord>(`SELECT ${INVITE_COLUMNS.join(", ")} FROM room_invites WHERE id = $1`, [id])).rows[0];
  }

  async inviteByHash(field: HashField, hash: string): Promise<InviteRecord | undefined> {
    if (!HASH_FIELDS.has(field)) throw new Error(`not a hash field: ${String(field)}`);
    const sql = `SELECT ${INVITE_COLUMNS.join(", ")} FROM room_invites WHERE ${field} = $1 ORDER BY created_at DESC LIMIT 1`;
    return (await this.#db().query<InviteRecord>(sql, [hash])).rows[0];
  }

  /** A write of a whole invite never undoes a claim made meanwhile (by this or another host). */
  async putInvite(invite: InviteRecord): Promise<void> {
    await this.#db().query(upsert("room_invites", INVITE_COLUMNS, CLAIM_COLUMNS), values(invite, [...INVITE_COLUMNS]));
  }

  async claim(inviteId: string, member: MemberRecord, via: "key" | "link" | "code", claimedKeyHash: string | null, at: string): Promise<boolean> {
    const client = await this.#db().connect();
    try {
      await client.query("BEGIN");
      const claimed = await client.query(
        `UPDATE room_invites SET claimed_by = $2, claimed_at = $3, claimed_via = $4, claimed_key_hash = $5
          WHERE id = $1 AND claimed_by IS NULL AND NOT revoked`,
        [inviteId, member.id, at, via, claimedKeyHash],
      );
      if (claimed.rowCount !== 1) {
        await client.query("ROLLBACK");
        return false;
      }
      await client.query(upsert("room_members", MEMBER_COLUMNS), values(member, [...MEMBER_COLUMNS]));
      await client.query("COMMIT");
      return true;
    } catch (err) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async members(roomId: string): Promise<MemberRecord[]> {
    return (await this.#db().query<MemberRecord>(`SELECT ${MEMBER_COLUMNS.join(", ")} FROM room_members WHERE room_id = $1 ORDER BY joined_at, id`, [roomId]))
      .rows;
  }

  async member(id: string): Promise<MemberRecord | undefined> {
    return (await this.#db().query<MemberRecord>(`SELECT ${MEMBER_COLUMNS.join(", ")} FROM room_members WHERE id = $1`, [id])).rows[0];
  }

  async putMember(member: MemberRecord): Promise<void> {
    await this.#db().query(upsert("room_members", MEMBER_COLUMNS), values(member, [...MEMBER_COLUMNS]));
  }

  #db(): pg.Pool {
    if (!this.#pool) throw new Error("the PostgreSQL rooms store is not open");
    return this.#pool;
  }
}
