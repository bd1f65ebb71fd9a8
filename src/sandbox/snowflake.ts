/** Discord's epoch (2015-01-01T00:00:00Z), the zero of every snowflake's timestamp. */
export const DISCORD_EPOCH = 1420070400000n;

/** Makes numeric, time-ordered snowflake ids exactly like Discord's (ms since epoch << 22 | worker | increment). */
export class SnowflakeGenerator {
  #lastMs = 0n;
  #increment = 0n;

  constructor(private readonly now: () => number = Date.now) {}

  /** The next id; strictly greater than every id made or observed before. */
  next(): string {
    let ms = BigInt(this.now());
    // A clock that steps back, or ids restored from a file, must never reorder ids.
    if (ms < this.#lastMs) ms = this.#lastMs;
    if (ms === this.#lastMs) {
      this.#increment += 1n;
      if (this.#increment > 4095n) {
        ms += 1n;
        this.#increment = 0n;
      }
    } else {
      this.#increment = 0n;
    }
    this.#lastMs = ms;
    return (((ms - DISCORD_EPOCH) << 22n) | (1n << 17n) | this.#increment).toString();
  }

  /** Records an existing id (e.g. loaded from disk) so later ids sort after it. */
  observe(id: string): void {
    const value = BigInt(id);
    const ms = (value >> 22n) + DISCORD_EPOCH;
    if (ms > this.#lastMs || (ms === this.#lastMs && (value & 0xfffn) > this.#increment)) {
      this.#lastMs = ms;
      this.#increment = value & 0xfffn;
    }
  }
}

/** Creation time of a snowflake, in ms since the Unix epoch. */
export function snowflakeTime(id: string): number {
  return Number((BigInt(id) >> 22n) + DISCORD_EPOCH);
}
