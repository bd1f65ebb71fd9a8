import PQueue from "p-queue";

/**
 * At most `concurrency` prompts of one agent run at once, across all its conversations; the
 * rest wait in the order they came. An agent's queue is dropped once idle, so idle agents cost nothing.
 */
export class AgentGate {
  readonly #queues = new Map<string, PQueue>();

  constructor(private readonly concurrency: number) {}

  /** Runs `task` once the agent has a free slot; `signal` takes a waiting task out (rejecting with its reason). */
  run<T>(agentId: string, signal: AbortSignal, task: () => Promise<T>): Promise<T> {
    let queue = this.#queues.get(agentId);
    if (!queue) {
      const created = new PQueue({ concurrency: this.concurrency });
      created.on("idle", () => {
        if (this.#queues.get(agentId) === created) this.#queues.delete(agentId);
      });
      this.#queues.set(agentId, created);
      queue = created;
    }
    return queue.add(task, { signal });
  }

  /** Prompts of the agent running now (for tests and metrics). */
  running(agentId: string): number {
    return this.#queues.get(agentId)?.pending ?? 0;
  }
}
