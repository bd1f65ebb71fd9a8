import { RoomsError } from "./errors.js";
import { hashSecret, newId, newKey, normalizeCode } from "./secrets.js";
import type { RoomStore } from "./store.js";
import { checkName } from "./text.js";
import type { InviteRecord, MemberRecord, RoomRecord, Transport } from "./types.js";

/** An authenticated agent: its room, its invite and itself. */
export interface AgentSession {
  room: RoomRecord;
  invite: InviteRecord;
  member: MemberRecord;
}

export interface AccessOptions {
  store: RoomStore;
  room: (roomId: string) => RoomRecord | undefined;
  reservedNames: (channelId: string) => readonly string[];
  agentsPerRoom: number;
  now: () => number;
  /** A member was created (the first use of an invite). */
  onJoin: (session: AgentSession) => void;
}

const via = { key: "its key", link: "its join link", code: "its join code" } as const;

/**
 * Who an invite key, join link or join code belongs to. The first use of any of them claims the
 * invite for one agent; a link or code claim mints the key that agent uses from then on.
 */
export class Access {
  constructor(private readonly o: AccessOptions) {}

  /** The session of a presented key; its first use claims the invite (named `name`, else the invite's label). */
  async authenticate(key: string, transport: Transport, name?: string): Promise<AgentSession> {
    const hash = hashSecret(key);
    const current = await this.o.store.inviteByHash("claimed_key_hash", hash);
    const invite = current ?? (await this.o.store.inviteByHash("key_hash", hash));
    if (!invite) throw new RoomsError("KEY_UNKNOWN", "unknown key: use the key of your invite block (ak_…)");
    const room = this.#live(invite, "KEY_REVOKED", "key");
    if (!current && invite.claimed_via !== null && invite.claimed_via !== "key") {
      throw new RoomsError(
        "KEY_CLAIMED",
        `this invite was already claimed by another agent through ${via[invite.claimed_via]}; ask the person who invited you for a new invite`,
      );
    }
    if (invite.claimed_by !== null) return this.#session(room, invite);
    return this.#claim(room, invite, "key", null, transport, name);
  }

  /** The invite of a join link, while it may still be claimed (for its instructions page). */
  async linkInvite(token: string): Promise<{ room: RoomRecord; invite: InviteRecord }> {
    const invite = await this.o.store.inviteByHash("link_hash", hashSecret(token));
    if (!invite) throw new RoomsError("CODE_UNKNOWN", "unknown join link: ask the person who invited you for a new one");
    const room = this.#live(invite, "CODE_REVOKED", "join link");
    this.#unclaimed(invite, "join link");
    return { room, invite };
  }

  /** Claims an invite through its join link; returns the new key, shown this once. */
  async claimByLink(token: string, name: string | undefined, transport: Transport): Promise<{ key: string; session: AgentSession }> {
    const { room, invite } = await this.linkInvite(token);
    return this.#mint(room, invite, "link", transport, name);
  }

  /** Exchanges a short join code for a key (single use, within its 30 minutes). */
  async claimByCode(code: string, name: string | undefined, transport: Transport): Promise<{ key: string; session: AgentSession }> {
    const invite = await this.o.store.inviteByHash("code_hash", hashSecret(normalizeCode(code)));
    if (!invite) throw new RoomsError("CODE_UNKNOWN", "unknown join code: check the 6 characters, or ask for a new code");
    const room = this.#live(invite, "CODE_REVOKED", "join code");
    this.#unclaimed(invite, "join code");
    if (Date.parse(invite.code_expires_at) <= this.o.now()) {
      throw new RoomsError("CODE_EXPIRED", `this join code expired at ${invite.code_expires_at} (codes last 30 minutes); ask for a new invite`);
    }
    return this.#mint(room, invite, "code", transport, name);
  }

  async #mint(room: RoomRecord, invite: InviteRecord, how: "link" | "code", transport: Transport, name: string | undefined) {
    const key = newKey();
    const session = await this.#claim(room, invite, how, hashSecret(key), transport, name);
    return { key, session };
  }

  /** The invite's room, refusing a revoked invite, a closed room and an unclaimed invite past its expiry. */
  #live(invite: InviteRecord, revokedCode: "KEY_REVOKED" | "CODE_REVOKED", what: string): RoomRecord {
    const room = this.o.room(invite.room_id);
    if (invite.revoked || !room) throw new RoomsError(revokedCode, `this ${what} was revoked${room ? "" : " (the room was closed)"}; ask for a new invite`);
    if (invite.claimed_by === null && Date.parse(invite.expires_at) <= this.o.now()) {
      throw new RoomsError(
        revokedCode === "KEY_REVOKED" ? "KEY_EXPIRED" : "CODE_EXPIRED",
        `this invite expired unclaimed at ${invite.expires_at}; ask for a new invite`,
      );
    }
    return room;
  }

  #unclaimed(invite: InviteRecord, what: string): void {
    if (invite.claimed_by !== null) {
      throw new RoomsError("CODE_CLAIMED", `this ${what} was already used (an invite is claimed once); use the key you received, or ask for a new invite`);
    }
  }

  async #session(room: RoomRecord, invite: InviteRecord): Promise<AgentSession> {
    const member = await this.o.store.member(invite.claimed_by!);
    if (!member) throw new RoomsError("KEY_REVOKED", "this key's agent is no longer in the room; ask for a new invite");
    return { room, invite, member };
  }

  async #claim(
    room: RoomRecord,
    invite: InviteRecord,
    how: "key" | "link" | "code",
    keyHash: string | null,
    transport: Transport,
    name?: string,
  ): Promise<AgentSession> {
    const members = await this.#liveMembers(room.id);
    if (members.length >= this.o.agentsPerRoom)
      throw new RoomsError("ROOM_FULL", `the room already has ${members.length} agents (the limit); ask a person to revoke one`);
    const chosen = this.#name(room, invite, name, members);
    const at = new Date(this.o.now()).toISOString();
    const member: MemberRecord = { id: newId("agt"), room_id: room.id, invite_id: invite.id, name: chosen, joined_at: at, last_seen: at, transport };
    if (!(await this.o.store.claim(invite.id, member, how, keyHash, at))) {
      throw new RoomsError(how === "key" ? "KEY_CLAIMED" : "CODE_CLAIMED", "another agent claimed this invite a moment ago; ask for a new invite");
    }
    const session = { room, invite: { ...invite, claimed_by: member.id, claimed_at: at, claimed_via: how, claimed_key_hash: keyHash }, member };
    this.o.onJoin(session);
    return session;
  }

  async #liveMembers(roomId: string): Promise<MemberRecord[]> {
    const revoked = new Set((await this.o.store.invites(roomId)).filter((i) => i.revoked).map((i) => i.id));
    return (await this.o.store.members(roomId)).filter((m) => !revoked.has(m.invite_id));
  }

  /** The agent's own name (refused when it impersonates someone), else the label (or a safe variant of it). */
  #name(room: RoomRecord, invite: InviteRecord, name: string | undefined, members: MemberRecord[]): string {
    const reserved = this.o.reservedNames(room.channel_id);
    const taken = members.map((m) => m.name);
    if (name !== undefined) {
      const check = checkName(name, reserved, taken);
      if (!check.ok) throw new RoomsError(check.code, `name: ${check.message}`);
      return check.name;
    }
    for (const candidate of [invite.label, `${invite.label} (agent)`, `Agent ${invite.id.slice(4, 10)}`]) {
      const check = checkName(candidate, reserved, taken);
      if (check.ok) return check.name;
    }
    return `Agent ${invite.id.slice(4)}`;
  }
}
