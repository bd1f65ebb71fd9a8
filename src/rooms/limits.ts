/** A sliding window per key: at most `max` events in `windowMs`. Pure apart from the clock it is given. */
export class SlidingWindow {
  readonly #events = new Map<string, number[]>();

  constructor(
    readonly max: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one event and returns 0, or refuses it and returns the seconds until one is allowed. */
  take(key: string): number {
    const now = this.now();
    const recent = (this.#events.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (recent.length >= this.max) {
      this.#events.set(key, recent);
      return Math.max(1, Math.ceil((recent[0]! + this.windowMs - now) / 1000));
    }
    recent.push(now);
    this.#events.set(key, recent);
    return 0;
  }

  forget(key: string): void {
    this.#events.delete(key);
  }
}
