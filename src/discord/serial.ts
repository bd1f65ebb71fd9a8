import PQueue from "p-queue";

/**
 * Tasks with the same key run one after another (a p-queue of concurrency 1 per key), other
 * keys side by side; a key's queue is dropped once idle. (The same as agents/keyed-queue.ts,
 * which discord/ may not import.)
 */
export class SerialByKey {
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
}
