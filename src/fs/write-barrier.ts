import path from "node:path";

/**
 * Writes in flight per file, for readers in the same process: a reader that must see the newest
 * content (a bot's AGENTS.md read at each prompt, rewritten after a registry change) awaits
 * `written(file)` first. Shared infrastructure: imports nothing of the product.
 */
const inFlight = new Map<string, Promise<void>>();

/** Runs `fn` (which writes `file`) and records it until it ends; starts it at once, synchronously. */
export function writing<T>(file: string, fn: () => Promise<T>): Promise<T> {
  const key = path.resolve(file);
  const run = fn();
  // After every write already in flight for this file, so `written` waits for all of them.
  const done = Promise.all([inFlight.get(key), run]).then(
    () => undefined,
    () => undefined,
  );
  inFlight.set(key, done);
  void done.then(() => {
    if (inFlight.get(key) === done) inFlight.delete(key);
  });
  return run;
}

/** Resolves once every write of `file` started before this call has ended (at once when none is in flight). */
export async function written(file: string): Promise<void> {
  await inFlight.get(path.resolve(file));
}
