import { createHash } from "node:crypto";

/** A limit of `limit` requests per `windowMs`. */
export interface RateLimit {
  limit: number;
  windowMs: number;
}

/** Rate limit settings: a default per route bucket, overrides keyed like "POST /channels/:channel_id/messages", and a global cap. */
export interface RateLimitOptions {
  default?: RateLimit | undefined;
  routes?: Record<string, RateLimit> | undefined;
  global?: RateLimit | undefined;
}

/** The outcome of one request against its bucket: headers to send, and the wait when refused. */
export interface RateLimitDecision {
  headers: Record<string, string>;
  /** Seconds to wait when the request is refused (429), else null. */
  retryAfter: number | null;
  global: boolean;
}

interface Bucket {
  remaining: number;
  resetAt: number;
}

// Generous defaults so ordinary tests never wait; tests that want a 429 tighten one route.
const DEFAULT_LIMIT: RateLimit = { limit: 50, windowMs: 1_000 };
const DEFAULT_GLOBAL: RateLimit = { limit: 200, windowMs: 1_000 };

/** Fixed-window buckets per (user, route, major parameter), reported with Discord's X-RateLimit-* headers. */
export class RateLimiter {
  readonly #buckets = new Map<string, Bucket>();
  readonly #routes = new Map<string, RateLimit>();
  #default: RateLimit;
  #global: RateLimit;

  constructor(
    options: RateLimitOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.#default = options.default ?? DEFAULT_LIMIT;
    this.#global = options.global ?? DEFAULT_GLOBAL;
    for (const [route, limit] of Object.entries(options.routes ?? {})) this.#routes.set(route, limit);
  }

  /** Sets (or with null, clears) the limit of one route, e.g. "POST /channels/:channel_id/messages". */
  setRoute(route: string, limit: RateLimit | null): void {
    if (limit) this.#routes.set(route, limit);
    else this.#routes.delete(route);
    for (const key of this.#buckets.keys()) if (key.includes(`|${route}|`)) this.#buckets.delete(key);
  }

  /** Counts one request by `subject` (a user id) on `route` with its major parameter. */
  take(subject: string, route: string, major: string): RateLimitDecision {
    const now = this.now();
    const global = this.#hit(`${subject}|global|`, this.#global, now);
    const limit = this.#routes.get(route) ?? this.#default;
    const bucket = this.#hit(`${subject}|${route}|${major}`, limit, now);
    const resetAfter = Math.max(0, bucket.resetAt - now) / 1000;
    const headers: Record<string, string> = {
      "x-ratelimit-limit": String(limit.limit),
      "x-ratelimit-remaining": String(Math.max(0, bucket.remaining)),
      "x-ratelimit-reset": (bucket.resetAt / 1000).toFixed(3),
      "x-ratelimit-reset-after": resetAfter.toFixed(3),
      "x-ratelimit-bucket": bucketHash(route),
    };
    if (global.remaining < 0) {
      const wait = Math.max(0, global.resetAt - now) / 1000;
      return {
        headers: { ...headers, "x-ratelimit-global": "true", "x-ratelimit-scope": "global", "retry-after": wait.toFixed(3) },
        retryAfter: wait,
        global: true,
      };
    }
    if (bucket.remaining < 0) {
      return { headers: { ...headers, "x-ratelimit-scope": "user", "retry-after": resetAfter.toFixed(3) }, retryAfter: resetAfter, global: false };
    }
    return { headers, retryAfter: null, global: false };
  }

  #hit(key: string, limit: RateLimit, now: number): Bucket {
    let bucket = this.#buckets.get(key);
    if (!bucket || bucket.resetAt <= now) {
      bucket = { remaining: limit.limit, resetAt: now + limit.windowMs };
      this.#buckets.set(key, bucket);
    }
    bucket.remaining -= 1;
    return bucket;
  }

  /** Drops expired buckets so memory stays bounded. */
  prune(): void {
    const now = this.now();
    for (const [key, bucket] of this.#buckets) if (bucket.resetAt <= now) this.#buckets.delete(key);
  }
}

/** A stable, opaque bucket id per route, like Discord's hashes. */
function bucketHash(route: string): string {
  return createHash("sha1").update(route).digest("hex").slice(0, 16);
}
