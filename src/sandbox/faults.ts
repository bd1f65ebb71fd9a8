/** Which REST calls a fault applies to; omitted fields match everything. */
export interface FaultMatch {
  method?: string | undefined;
  /** Substring of the request path, e.g. "/messages". */
  path?: string | undefined;
}

/** What to do to one REST call. */
export type Fault = { kind: "fail"; status: number } | { kind: "slow"; delayMs: number };

interface Pending {
  fault: Fault;
  remaining: number;
  match: FaultMatch;
}

/** Fault injection for REST: the next N matching calls fail with a status or are delayed. */
export class FaultInjector {
  readonly #pending: Pending[] = [];
  #delayed = 0;
  #idleWaiters: (() => void)[] = [];

  /** Runs the delay of a slow call, counted so `idle()` can wait for it. */
  async hold(delayMs: number): Promise<void> {
    this.#delayed++;
    try {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    } finally {
      this.#delayed--;
      if (this.#delayed === 0) for (const wake of this.#idleWaiters.splice(0)) wake();
    }
  }

  /** Resolves once no slowed call is still being held (lets tests check what a late call did). */
  idle(): Promise<void> {
    if (this.#delayed === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** The next `count` matching calls answer `status` (default 500) without being processed. */
  failNext(count: number, status = 500, match: FaultMatch = {}): void {
    this.#pending.push({ fault: { kind: "fail", status }, remaining: count, match });
  }

  /** The next `count` matching calls wait `delayMs` before being processed. */
  slowNext(count: number, delayMs: number, match: FaultMatch = {}): void {
    this.#pending.push({ fault: { kind: "slow", delayMs }, remaining: count, match });
  }

  /** Removes every pending fault. */
  clear(): void {
    this.#pending.length = 0;
  }

  /** Consumes and returns the faults that apply to one call (a delay and a failure may both apply). */
  take(method: string, path: string): Fault[] {
    const faults: Fault[] = [];
    for (const pending of this.#pending) {
      if (pending.remaining <= 0 || faults.some((f) => f.kind === pending.fault.kind)) continue;
      if (pending.match.method && pending.match.method.toUpperCase() !== method.toUpperCase()) continue;
      if (pending.match.path && !path.includes(pending.match.path)) continue;
      pending.remaining -= 1;
      faults.push(pending.fault);
    }
    for (let i = this.#pending.length - 1; i >= 0; i--) if ((this.#pending[i]?.remaining ?? 0) <= 0) this.#pending.splice(i, 1);
    return faults;
  }
}
