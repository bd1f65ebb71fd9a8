import { describe, expect, it } from "vitest";
import { KeyedQueue } from "./keyed-queue.js";

/** A promise and the functions that settle it (no Promise.withResolvers on Node 20). */
function deferred(): { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void } {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("KeyedQueue", () => {
  it("runs tasks of one key one after another, other keys side by side", async () => {
    const queue = new KeyedQueue();
    const order: string[] = [];
    const first = deferred();
    const a1 = queue.run("a", async () => {
      order.push("a1 start");
      await first.promise;
      order.push("a1 end");
    });
    const a2 = queue.run("a", async () => {
      order.push("a2");
    });
    const b1 = queue.run("b", async () => {
      order.push("b1");
    });
    await b1;
    expect(order).toEqual(["a1 start", "b1"]);
    first.resolve();
    await Promise.all([a1, a2]);
    expect(order).toEqual(["a1 start", "b1", "a1 end", "a2"]);
  });

  it("a failed task rejects its own promise and does not stop the next", async () => {
    const queue = new KeyedQueue();
    const failing = queue.run("a", async () => {
      throw new Error("boom");
    });
    const next = queue.run("a", async () => "ran");
    await expect(failing).rejects.toThrow("boom");
    await expect(next).resolves.toBe("ran");
  });

  it("drops a key once its work is done", async () => {
    const queue = new KeyedQueue();
    const gate = deferred();
    const running = queue.run("a", () => gate.promise);
    expect(queue.size).toBe(1);
    gate.resolve();
    await running;
    await new Promise<void>((r) => setImmediate(r));
    expect(queue.size).toBe(0);
    await expect(queue.run("a", async () => 2)).resolves.toBe(2);
  });
});
