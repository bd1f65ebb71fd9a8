import { LRUCache } from "lru-cache";
import { TOKEN_PATTERN } from "../log/index.js";

/**
 * True when a token-shaped string could be a Discord bot token: its first part is the bot's
 * user id in base64, so it must decode to a snowflake. Anything else is refused without a
 * request, so fake tokens cannot spend the IP's invalid-request budget (10,000 per 10 minutes).
 */
export function looksLikeBotToken(token: string): boolean {
  const first = token.split(".")[0] ?? "";
  if (!/^[A-Za-z0-9_-]+$/.test(first)) return false;
  return /^\d{17,20}$/.test(Buffer.from(first, "base64url").toString("utf8"));
}

/** True when the whole string has Discord's token shape (the other shapes, e.g. JWTs, come from other servers). */
export function hasDiscordTokenShape(token: string): boolean {
  return new RegExp(`^${TOKEN_PATTERN.source}$`).test(token);
}

/** At most `limit` attempts per key in any `windowMs`; remembers at most `maxKeys` keys (least recently used go first). */
export class AttemptLimiter {
  readonly #times: LRUCache<string, number[]>;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
    maxKeys = 10_000,
  ) {
    this.#times = new LRUCache({ max: maxKeys });
  }

  /** Records an attempt and returns true, or returns false (recording nothing) when the key is over its limit. */
  take(key: string): boolean {
    const now = this.now();
    const recent = (this.#times.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (recent.length >= this.limit) {
      this.#times.set(key, recent);
      return false;
    }
    recent.push(now);
    this.#times.set(key, recent);
    return true;
  }
}

/** Message ids already dealt with, so a token every bot sees is deleted and warned about once. */
export class SeenOnce {
  readonly #seen: LRUCache<string, true>;

  constructor(max = 5_000) {
    this.#seen = new LRUCache({ max });
  }

  /** True the first time an id is claimed. */
  claim(id: string): boolean {
    if (this.#seen.has(id)) return false;
    this.#seen.set(id, true);
    return true;
  }
}
