/** Runs logins one after another with a minimum spacing between their starts. */
export class LoginQueue {
  #tail: Promise<unknown> = Promise.resolve();
  #lastStart = 0;

  constructor(private readonly spacingMs: number) {}

  run<T>(login: () => Promise<T>): Promise<T> {
    const next = this.#tail.then(async () => {
      const wait = this.#lastStart + this.spacingMs - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      this.#lastStart = Date.now();
    });
    this.#tail = next.catch(() => undefined);
    return next.then(login);
  }
}
