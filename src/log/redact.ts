/**
 * Value-based redaction: anything shaped like a bot token (Discord's shape or a JWT), plus any
 * secret registered at run time (API keys, OpenCode passwords), is replaced before it is written.
 */
import { findBotTokens, REDACTED_CREDENTIAL, redactBotTokens, TOKEN_PATTERN } from "./credentials.js";

export { TOKEN_PATTERN };
export const REDACTED_TOKEN = REDACTED_CREDENTIAL;
export const REDACTED_SECRET = "[redacted]";

/** True when the text contains something shaped like a bot token (Discord's shape or a JWT). */
export function containsToken(text: string): boolean {
  return findBotTokens(text).length > 0;
}

/** All bot-token-shaped substrings of a text (Discord's shape first, then JWTs). */
export function findTokens(text: string): string[] {
  return findBotTokens(text);
}

/** Replaces bot-token-shaped strings with a marker. */
export function redactTokens(text: string): string {
  return redactBotTokens(text);
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
