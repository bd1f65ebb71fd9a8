/** C0 and C1 control characters and DEL, but not tab or newlines. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_EXCEPT_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
/** Every control character, tab and newlines included (names are one line). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const ANY_CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** With the u flag a surrogate range matches only unpaired halves, which no encoder can write. */
const LONE_SURROGATE = /[\ud800-\udfff]/u;

/** Names no child may take, compared by their skeleton (see nameSkeleton). */
const RESERVED_NAME_SKELETONS: ReadonlySet<string> = new Set(["bobb"]);

/** A name reduced to its letters and digits, compatibility-folded and lower-cased: "B.o B-B" → "bobb". */
export const nameSkeleton = (name: string): string =>
  name
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, "");

/** Why a display name is refused, or undefined when it is fine. */
export function nameProblem(name: string): string | undefined {
  if (ANY_CONTROL.test(name)) return "a name without control characters";
  if (LONE_SURROGATE.test(name)) return "a name without unpaired surrogates (invalid Unicode)";
  if (RESERVED_NAME_SKELETONS.has(nameSkeleton(name))) return "a name other than BoBB (reserved for the bot builder itself)";
  return undefined;
}

/** Why a persona is refused (newlines and tabs are allowed), or undefined when it is fine. */
export function personaProblem(persona: string): string | undefined {
  if (CONTROL_EXCEPT_LINES.test(persona)) return "a persona without control characters (newlines and tabs are fine)";
  if (LONE_SURROGATE.test(persona)) return "a persona without unpaired surrogates (invalid Unicode)";
  return undefined;
}

/** The form names are stored and compared in: NFC, trimmed. */
export const normalizeName = (name: string): string => name.normalize("NFC").trim();

/** The key two names collide on: NFC, trimmed, case-folded. */
export const nameKey = (name: string): string => normalizeName(name).toLowerCase();
