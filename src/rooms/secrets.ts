import { createHash, randomBytes, randomInt } from "node:crypto";

/** Letters and digits a person reads without confusion (no 0/O, 1/I/L). */
const CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
export const CODE_LENGTH = 6;

/** sha256 hex: what is stored of a key, a join link or a join code. */
export function hashSecret(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

/** An invite key: `ak_` + 32 random bytes (base64url). */
export function newKey(): string {
  return `ak_${randomBytes(32).toString("base64url")}`;
}

/** The secret part of a join link (`/join/<token>`): 24 random bytes (base64url). */
export function newLinkToken(): string {
  return randomBytes(24).toString("base64url");
}

/** A short join code: 6 characters from an unambiguous alphabet. */
export function newJoinCode(): string {
  let code = "";
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

/** A code as a person may type it (lower case, spaces, dashes) in the stored form. */
export function normalizeCode(code: string): string {
  return code.replace(/[\s-]/g, "").toUpperCase();
}

/** An id with a prefix: room_…, inv_…, agt_…, post_…. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(9).toString("base64url")}`;
}
