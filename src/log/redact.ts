/**
 * Value-based redaction: anything shaped like a Discord bot token, plus any secret
 * registered at run time (API keys, OpenCode passwords), is replaced before it is written.
 */

/** Discord bot token shape: base64 user id . base64 timestamp . hmac (plus the 3-part "mfa." style never used by bots). */
export const TOKEN_PATTERN = /[A-Za-z0-9_-]{20,40}\.[A-Za-z0-9_-]{5,8}\.[A-Za-z0-9_-]{25,60}/g;

export const REDACTED_TOKEN = "[redacted token]";
export const REDACTED_SECRET = "[redacted]";

/** True when the text contains something shaped like a Discord bot token. */
export function containsToken(text: string): boolean {
  TOKEN_PATTERN.lastIndex = 0;
  const found = TOKEN_PATTERN.test(text);
  TOKEN_PATTERN.lastIndex = 0;
  return found;
}

/** All token-shaped substrings of a text. */
export function findTokens(text: string): string[] {
  return text.match(TOKEN_PATTERN) ?? [];
}

/** Replaces token-shaped strings with a marker. */
export function redactTokens(text: string): string {
  return text.replace(TOKEN_PATTERN, REDACTED_TOKEN);
}

/** A set of known secret values (keys, passwords) scrubbed from every log line. */
export class SecretSet {
  readonly #values = new Set<string>();

  /** Registers a secret; short values are ignored since they would redact ordinary words. */
  add(value: string | undefined): void {
    if (value && value.length >= 12) this.#values.add(value);
  }

  delete(value: string): void {
    this.#values.delete(value);
  }

  /** Replaces every known secret and every token-shaped string in a text. */
  scrub(text: string): string {
    let out = redactTokens(text);
    for (const value of this.#values) {
      if (out.includes(value)) out = out.split(value).join(REDACTED_SECRET);
    }
    return out;
  }
}
