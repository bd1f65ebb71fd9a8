/** Per-bot sliding window of changes that restart it (renames, persona changes, re-enabling). */
export class ChangeLimiter {
  readonly #times = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs = 3_600_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds until the agent may change again; 0 = now. */
  waitFor(agentId: string): number {
    const recent = this.#recent(agentId);
    if (recent.length < this.limit) return 0;
    return recent[recent.length - this.limit]! + this.windowMs - this.now();
  }

  record(agentId: string): void {
    const recent = this.#recent(agentId);
    recent.push(this.now());
    this.#times.set(agentId, recent);
  }

  forget(agentId: string): void {
    this.#times.delete(agentId);
  }

  #recent(agentId: string): number[] {
    const since = this.now() - this.windowMs;
    const recent = (this.#times.get(agentId) ?? []).filter((t) => t > since);
    if (recent.length === 0) this.#times.delete(agentId);
    else this.#times.set(agentId, recent);
    return recent;
  }
}
