import { RoomsError } from "./errors.js";
import type { RoomLimits } from "./limits-config.js";
import { hashSecret, newId, newJoinCode, newKey, newLinkToken } from "./secrets.js";
import type { InviteRecord, RoomMode } from "./types.js";

/** A new invite's record (hashes only) and its three secrets, shown once: key, join link token, join code. */
export interface NewInvite {
  record: InviteRecord;
  key: string;
  link: string;
  code: string;
}

/** Makes an invite for a room whose invites are `existing`, refusing a bad or taken label and a full room. */
export function newInvite(
  existing: readonly InviteRecord[],
  o: { roomId: string; label: string; mode: RoomMode; by: string },
  limits: Pick<RoomLimits, "invitesPerRoom" | "inviteTtlMs" | "codeTtlMs">,
  now: number,
): NewInvite {
  const label = o.label.replace(/\s+/g, " ").trim();
  if (label.length < 1 || label.length > 64) throw new RoomsError("VALIDATION_ERROR", 'label: 1 to 64 characters, e.g. "Alice\'s agent"');
  // Live: not revoked, and claimed or still claimable.
  const live = existing.filter((i) => !i.revoked && (i.claimed_by !== null || Date.parse(i.expires_at) > now));
  if (live.length >= limits.invitesPerRoom) throw new RoomsError("INVITE_LIMIT", `the room already has ${live.length} invites (the limit); revoke one first`);
  if (live.some((i) => i.label.toLowerCase() === label.toLowerCase())) {
    throw new RoomsError("LABEL_TAKEN", `an invite labelled "${label}" exists in this room; choose another label`);
  }
  const key = newKey();
  const link = newLinkToken();
  const code = newJoinCode();
  const record: InviteRecord = {
    id: newId("inv"),
    room_id: o.roomId,
    label,
    mode: o.mode,
    key_hash: hashSecret(key),
    link_hash: hashSecret(link),
    code_hash: hashSecret(code),
    created_by: o.by,
    created_at: new Date(now).toISOString(),
    expires_at: new Date(now + limits.inviteTtlMs).toISOString(),
    code_expires_at: new Date(now + limits.codeTtlMs).toISOString(),
    claimed_by: null,
    claimed_at: null,
    claimed_via: null,
    claimed_key_hash: null,
    revoked: false,
  };
  return { record, key, link, code };
}
