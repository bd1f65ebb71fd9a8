import PQueue from "p-queue";

/**
 * At most `concurrency` prompts of one agent run at once, across all its conversations; the
 * rest wait in the order they came. An agent's queue is dropped once idle, so idle agents cost nothing.
 */
export class AgentGate {
  readonly #queues = new Map<string, PQueue>();

  constructor(private readonly concurrency: number) {}

  /** Runs `task` once the agent has a free slot; `signal` takes a task out while it waits (rejecting with its reason), not once it runs. */
  run<T>(agentId: string, signal: AbortSignal, task: () => Promise<T>): Promise<T> {
    // p-queue also rejects a running task's promise on abort; the task's own abort handling must decide then.
    const waiting = new AbortController();
    let started = false;
    const onAbort = () => {
      if (!started) waiting.abort(signal.reason);
    };
    if (signal.aborted) return Promise.reject(signal.reason as Error);
    signal.addEventListener("abort", onAbort, { once: true });
    let queue = this.#queues.get(agentId);
    if (!queue) {
      const created = new PQueue({ concurrency: this.concurrency });
      created.on("idle", () => {
        if (this.#queues.get(agentId) === created) this.#queues.delete(agentId);
      });
      this.#queues.set(agentId, created);
      queue = created;
    }
    return queue
      .add(
        () => {
          started = true;
          return task();
        },
        { signal: waiting.signal },
      )
      .finally(() => signal.removeEventListener("abort", onAbort));
  }

  /** Prompts of the agent running now (for tests and metrics). */
  running(agentId: string): number {
    return this.#queues.get(agentId)?.pending ?? 0;
  }
}
