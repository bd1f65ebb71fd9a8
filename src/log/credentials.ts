/**
 * Credential-shaped text in general, not only Discord's token shape: another Discord-compatible
 * server may issue JWTs, and people paste API keys. Pure.
 *
 * - Bot tokens (`findBotTokens`): Discord's shape, or a JWT (`eyJ…` is base64url of `{"`: a JSON
 *   header). Specific enough to scrub from logs and to delete from channels.
 * - Credentials (`findCredentials`): those plus any run of 32+ token characters without spaces
 *   that mixes letters and digits with high entropy (API keys, other servers' tokens). Broad, so
 *   it is used where a false positive costs little: text handed to a model, DMs to bots.
 */

/** Discord bot token shape: base64 user id . base64 timestamp . hmac (plus the 3-part "mfa." style never used by bots). */
export const TOKEN_PATTERN = /[A-Za-z0-9_-]{20,40}\.[A-Za-z0-9_-]{5,8}\.[A-Za-z0-9_-]{25,60}/g;
/** A JWT: base64url JSON header, payload and signature. */
export const JWT_PATTERN = /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{16,}/g;
/** A run of characters a key or token is made of, at least 32 long, not inside a longer word. */
const RUN_PATTERN = /(?<![A-Za-z0-9_\-+/=.~])[A-Za-z0-9_\-+/=.~]{32,}(?![A-Za-z0-9_\-+/=.~])/g;
/** Shannon entropy (bits per character) above which a long run counts as random. */
const ENTROPY_MIN = 3.5;

export const REDACTED_CREDENTIAL = "[redacted token]";

/** Discord-shaped and JWT-shaped substrings. */
export function findBotTokens(text: string): string[] {
  return [...(text.match(TOKEN_PATTERN) ?? []), ...(text.match(JWT_PATTERN) ?? [])];
}

/** Every credential-shaped substring: bot tokens and long high-entropy runs. */
export function findCredentials(text: string): string[] {
  const found = findBotTokens(text);
  for (const run of text.match(RUN_PATTERN) ?? []) {
    if (looksRandom(run) && !found.some((t) => t.includes(run) || run.includes(t))) found.push(run);
  }
  return found;
}

/** True when the text contains credential-shaped text. */
export function containsCredential(text: string): boolean {
  return findCredentials(text).length > 0;
}

/** Replaces credential-shaped text with a marker (bot tokens first: a cut one no longer looks like one). */
export function redactCredentials(text: string): string {
  let out = redactBotTokens(text);
  out = out.replace(RUN_PATTERN, (run) => (looksRandom(run) ? REDACTED_CREDENTIAL : run));
  return out;
}

/** Replaces Discord-shaped and JWT-shaped tokens with a marker. */
export function redactBotTokens(text: string): string {
  return text.replace(TOKEN_PATTERN, REDACTED_CREDENTIAL).replace(JWT_PATTERN, REDACTED_CREDENTIAL);
}

/**
 * The message as one credential-shaped word (quotes, backticks and spoiler bars around it
 * removed), or null: what a person pastes when a bot asked for a token.
 */
export function credentialWord(text: string): string | null {
  const word = text.trim().replace(/^[`'"|*]+|[`'"|*]+$/g, "");
  if (word.length < 24 || /\s/.test(word)) return null;
  const found = findCredentials(word);
  return found.length === 1 && found[0] === word ? word : looksRandom(word) && /^[A-Za-z0-9_\-+/=.~]+$/.test(word) ? word : null;
}

/** Letters and digits mixed, with high per-character entropy: not a word, a path, a URL or a number. */
function looksRandom(run: string): boolean {
  if (!/[A-Za-z]/.test(run) || !/\d/.test(run)) return false;
  // A path or the rest of a URL (`//host/…`, `host.tld/…`, `/dir/…`) is not a key.
  if (/^\.{0,2}\/|^[\w-]+(\.[\w-]+)+\//.test(run)) return false;
  const counts = new Map<string, number>();
  for (const c of run) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / run.length) * Math.log2(n / run.length);
  return bits >= ENTROPY_MIN;
}
