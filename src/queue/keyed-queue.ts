import PQueue from "p-queue";

/**
 * Tasks with the same key run one after another (a p-queue of concurrency 1 per key); tasks
 * of different keys run side by side. A failed task rejects its own promise and the next one
 * still runs. A key's queue is dropped as soon as it is idle, so idle keys cost nothing.
 *
 * Shared infrastructure like src/fs/: imports nothing of the product, so every domain may use it.
 */
export class KeyedQueue {
  readonly #queues = new Map<string, PQueue>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    let queue = this.#queues.get(key);
    if (!queue) {
      const created = new PQueue({ concurrency: 1 });
      created.on("idle", () => {
        if (this.#queues.get(key) === created) this.#queues.delete(key);
      });
      this.#queues.set(key, created);
      queue = created;
    }
    return queue.add(task);
  }

  /** Resolves once every key's queue is idle. */
  async idle(): Promise<void> {
    await Promise.all([...this.#queues.values()].map((q) => q.onIdle()));
  }

  /** Keys with work queued or running. */
  get size(): number {
    return this.#queues.size;
  }
}
