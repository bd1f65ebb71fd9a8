import { redactCredentials } from "../log/credentials.js";

/** Outside content as it may reach the channel: no credentials, no mass or role pings, no raw mention syntax. Pure. */
export function scrubContent(content: string): string {
  return (
    redactCredentials(content)
      // @everyone / @here: a zero-width space after the @ keeps the text and kills the ping.
      .replace(/@(everyone|here)\b/gi, "@\u200b$1")
      // Raw mention syntax: only "@Name" (resolved by the Discord side) may mention anyone.
      .replace(/<@&(\d+)>/g, "@\u200brole")
      .replace(/<@!?(\d+)>/g, "@\u200b$1")
      .replace(/<#(\d+)>/g, "#$1")
  );
}

/** What a name is compared by: NFKC, case-folded, letters and digits only (so "B.o B B" is "bobb"). */
export function nameKey(name: string): string {
  return name
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, "");
}

/** Words no outside agent may be called, whatever the channel. */
const ALWAYS_RESERVED = ["BoBB", "Bot Builder Bot", "system", "everyone", "here", "Discord", "Clyde", "admin", "moderator"];

export type NameCheck = { ok: true; name: string } | { ok: false; code: "VALIDATION_ERROR" | "NAME_RESERVED" | "NAME_TAKEN"; message: string };

/**
 * A name an outside agent may post under: 2 to 32 characters, no mention or markup characters,
 * and not (by `nameKey`) BoBB, a bot, a person of the channel or another agent of the room.
 */
export function checkName(raw: string, reserved: readonly string[], taken: readonly string[]): NameCheck {
  const name = raw.normalize("NFKC").replace(/\s+/g, " ").trim();
  if (name.length < 2 || name.length > 32) return { ok: false, code: "VALIDATION_ERROR", message: "a name of 2 to 32 characters" };
  if (/[@#:`*_~|<>\\\p{Cc}\p{Cf}]/u.test(name)) {
    return { ok: false, code: "VALIDATION_ERROR", message: "a name without @ # : ` * _ ~ | < > \\ or control characters" };
  }
  const key = nameKey(name);
  if (key.length === 0) return { ok: false, code: "VALIDATION_ERROR", message: "a name with at least one letter or digit" };
  if ([...ALWAYS_RESERVED, ...reserved].some((r) => nameKey(r) === key)) {
    return { ok: false, code: "NAME_RESERVED", message: `"${name}" is the name of BoBB, a bot or a person in this channel; choose another name` };
  }
  if (taken.some((t) => nameKey(t) === key))
    return { ok: false, code: "NAME_TAKEN", message: `another agent in this room is called "${name}"; choose another name` };
  return { ok: true, name };
}
