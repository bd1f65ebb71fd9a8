import { readFile } from "node:fs/promises";
import { z } from "zod";
import { CodedError } from "../errors.js";
import { writeFileAtomic } from "../fs/atomic-write.js";
import type { InviteRecord, MemberRecord, RoomRecord } from "./types.js";

/**
 * Where rooms, invites (hashes only) and members live. The file store below is the embedded
 * default; a PostgreSQL store implements the same contract (claim is its compare-and-set).
 */
export interface RoomStore {
  open(): Promise<void>;
  close(): Promise<void>;
  rooms(): Promise<RoomRecord[]>;
  putRoom(room: RoomRecord): Promise<void>;
  /** Removes the room with its invites and members. */
  deleteRoom(roomId: string): Promise<void>;
  invites(roomId: string): Promise<InviteRecord[]>;
  invite(id: string): Promise<InviteRecord | undefined>;
  inviteByHash(field: HashField, hash: string): Promise<InviteRecord | undefined>;
  putInvite(invite: InviteRecord): Promise<void>;
  /**
   * Binds an unclaimed, unrevoked invite to its first agent (with the hash of the key a link or
   * code claim minted); false when another agent claimed it first or it was revoked meanwhile.
   */
  claim(inviteId: string, member: MemberRecord, via: "key" | "link" | "code", claimedKeyHash: string | null, at: string): Promise<boolean>;
  members(roomId: string): Promise<MemberRecord[]>;
  member(id: string): Promise<MemberRecord | undefined>;
  putMember(member: MemberRecord): Promise<void>;
}

export type HashField = "key_hash" | "claimed_key_hash" | "link_hash" | "code_hash";

const mode = z.enum(["auto", "ask"]);
const roomSchema = z.object({ id: z.string(), channel_id: z.string(), guild_id: z.string(), name: z.string(), opened_by: z.string(), created_at: z.string() });
const inviteSchema = z.object({
  id: z.string(),
  room_id: z.string(),
  label: z.string(),
  mode,
  key_hash: z.string().regex(/^[0-9a-f]{64}$/),
  link_hash: z.string().regex(/^[0-9a-f]{64}$/),
  code_hash: z.string().regex(/^[0-9a-f]{64}$/),
  created_by: z.string(),
  created_at: z.string(),
  expires_at: z.string(),
  code_expires_at: z.string(),
  claimed_by: z.string().nullable(),
  claimed_at: z.string().nullable(),
  claimed_via: z.enum(["key", "link", "code"]).nullable(),
  claimed_key_hash: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .nullable(),
  revoked: z.boolean(),
});
const memberSchema = z.object({
  id: z.string(),
  room_id: z.string(),
  invite_id: z.string(),
  name: z.string(),
  joined_at: z.string(),
  last_seen: z.string().nullable(),
  transport: z.enum(["rest", "ws", "mcp", "a2a"]).nullable(),
});
const fileSchema = z.object({
  version: z.literal(1),
  rooms: z.record(z.string(), roomSchema),
  invites: z.record(z.string(), inviteSchema),
  members: z.record(z.string(), memberSchema),
});
type RoomsFile = z.output<typeof fileSchema>;

/** rooms.json could not be read; nothing is overwritten. */
export class RoomStoreError extends CodedError<"ROOMS_FILE_INVALID"> {}

/** The embedded store: one JSON file (mode 0600), written atomically after every change, one write at a time. */
export class FileRoomStore implements RoomStore {
  #state: RoomsFile = { version: 1, rooms: {}, invites: {}, members: {} };
  #writing: Promise<void> = Promise.resolve();

  constructor(readonly file: string) {}

  async open(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.file, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
      throw err;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new RoomStoreError("ROOMS_FILE_INVALID", `${this.file} is not valid JSON; fix or remove it (nothing was overwritten)`);
    }
    const result = fileSchema.safeParse(parsed);
    if (!result.success) {
      const issue = result.error.issues[0]!;
      throw new RoomStoreError("ROOMS_FILE_INVALID", `${this.file}: ${issue.path.join(".") || "file"}: ${issue.message} (nothing was overwritten)`);
    }
    this.#state = result.data;
  }

  async close(): Promise<void> {
    await this.#writing;
  }

  async rooms(): Promise<RoomRecord[]> {
    return Object.values(this.#state.rooms).map((r) => ({ ...r }));
  }

  putRoom(room: RoomRecord): Promise<void> {
    this.#state.rooms[room.id] = { ...room };
    return this.#save();
  }

  deleteRoom(roomId: string): Promise<void> {
    delete this.#state.rooms[roomId];
    for (const [id, invite] of Object.entries(this.#state.invites)) if (invite.room_id === roomId) delete this.#state.invites[id];
    for (const [id, member] of Object.entries(this.#state.members)) if (member.room_id === roomId) delete this.#state.members[id];
    return this.#save();
  }

  async invites(roomId: string): Promise<InviteRecord[]> {
    return Object.values(this.#state.invites)
      .filter((i) => i.room_id === roomId)
      .map((i) => ({ ...i }));
  }

  async invite(id: string): Promise<InviteRecord | undefined> {
    const found = this.#state.invites[id];
    return found && { ...found };
  }

  async inviteByHash(field: HashField, hash: string): Promise<InviteRecord | undefined> {
    const found = Object.values(this.#state.invites).find((i) => i[field] === hash);
    return found && { ...found };
  }

  putInvite(invite: InviteRecord): Promise<void> {
    this.#state.invites[invite.id] = { ...invite };
    return this.#save();
  }

  async claim(inviteId: string, member: MemberRecord, via: "key" | "link" | "code", claimedKeyHash: string | null, at: string): Promise<boolean> {
    const invite = this.#state.invites[inviteId];
    if (!invite || invite.claimed_by !== null || invite.revoked) return false;
    Object.assign(invite, { claimed_by: member.id, claimed_at: at, claimed_via: via, claimed_key_hash: claimedKeyHash });
    this.#state.members[member.id] = { ...member };
    await this.#save();
    return true;
  }

  async members(roomId: string): Promise<MemberRecord[]> {
    return Object.values(this.#state.members)
      .filter((m) => m.room_id === roomId)
      .map((m) => ({ ...m }));
  }

  async member(id: string): Promise<MemberRecord | undefined> {
    const found = this.#state.members[id];
    return found && { ...found };
  }

  putMember(member: MemberRecord): Promise<void> {
    this.#state.members[member.id] = { ...member };
    return this.#save();
  }

  /** Queues a write of the whole state; each caller waits for a write that includes its change. */
  #save(): Promise<void> {
    const next = this.#writing.then(() => writeFileAtomic(this.file, `${JSON.stringify(this.#state, null, 2)}\n`, 0o600)).then(() => undefined);
    // A failed write must not block the next one; the caller still sees its own failure.
    this.#writing = next.catch(() => undefined);
    return next;
  }
}
