import { createHash } from "node:crypto";

export interface LoginBackoffOptions {
  /** Failures in a row a token may have before its next login waits (default 2). */
  freeFailures?: number;
  /** First wait after those, doubled per further failure (default 30 s). */
  baseMs?: number;
  /** Longest wait (default 1 h). */
  capMs?: number;
  /**
   * Logins (gateway identifies) a bot may make per rolling 24 h; Discord allows 1,000 per
   * application and resets the token beyond it, so we stop short (default 900).
   */
  dailyIdentifies?: number;
  now?: () => number;
}

interface Record {
  tokenHash: string;
  failures: number;
  notBefore: number;
  identifies: number[];
}

const DAY_MS = 24 * 3_600_000;

/**
 * Per bot: after repeated login failures with the same token the next try waits, longer each
 * time (a broken token cannot spend the bot's daily identify budget in a loop); a new token
 * starts afresh. Also counts identifies per rolling day and refuses beyond the budget.
 * In memory: a restart of the supervisor starts every count again.
 */
export class LoginBackoff {
  readonly #o: Required<LoginBackoffOptions>;
  readonly #bots = new Map<string, Record>();

  constructor(options: LoginBackoffOptions = {}) {
    this.#o = { freeFailures: 2, baseMs: 30_000, capMs: 3_600_000, dailyIdentifies: 900, now: Date.now, ...options };
  }

  /** Why the bot may not log in now (and for how long), or undefined when it may. */
  check(agentId: string, token: string): { waitMs: number; reason: string } | undefined {
    const r = this.#record(agentId, token);
    const now = this.#o.now();
    if (r.notBefore > now) {
      return { waitMs: r.notBefore - now, reason: `its last ${r.failures} logins failed; next try in ${Math.ceil((r.notBefore - now) / 1000)} s` };
    }
    r.identifies = r.identifies.filter((t) => t > now - DAY_MS);
    if (r.identifies.length >= this.#o.dailyIdentifies) {
      const waitMs = r.identifies[0]! + DAY_MS - now;
      return {
        waitMs,
        reason: `it logged in ${r.identifies.length} times in 24 h (Discord resets a token beyond 1,000); next try in ${Math.ceil(waitMs / 60_000)} min`,
      };
    }
    return undefined;
  }

  /** A gateway identify happened (a login, or discord.js re-identifying after a lost session). */
  identified(agentId: string, token: string): void {
    this.#record(agentId, token).identifies.push(this.#o.now());
  }

  failed(agentId: string, token: string): void {
    const r = this.#record(agentId, token);
    r.failures += 1;
    const over = r.failures - this.#o.freeFailures;
    if (over > 0) r.notBefore = this.#o.now() + Math.min(this.#o.baseMs * 2 ** (over - 1), this.#o.capMs);
  }

  succeeded(agentId: string, token: string): void {
    const r = this.#record(agentId, token);
    r.failures = 0;
    r.notBefore = 0;
  }

  /** The bot was removed: forget it. */
  forget(agentId: string): void {
    this.#bots.delete(agentId);
  }

  #record(agentId: string, token: string): Record {
    const tokenHash = createHash("sha256").update(token).digest("hex");
    const existing = this.#bots.get(agentId);
    if (existing?.tokenHash === tokenHash) return existing;
    // A new token is a fresh start for failures; identifies count per application, which a new token keeps.
    const fresh: Record = { tokenHash, failures: 0, notBefore: 0, identifies: existing?.identifies ?? [] };
    this.#bots.set(agentId, fresh);
    return fresh;
  }
}
