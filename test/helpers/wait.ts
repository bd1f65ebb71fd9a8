/**
 * The one polling wait of the tests and the benchmarks: resolves with the first truthy value
 * `check` returns, checking every `everyMs`; rejects naming `what` after `timeoutMs`. Use it
 * only where there is no event to wait on.
 */
export async function waitFor<T>(check: () => T | Promise<T>, timeoutMs = 10_000, what = "condition", everyMs = 20): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
