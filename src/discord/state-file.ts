import { readFile } from "node:fs/promises";
import PQueue from "p-queue";
import type { z } from "zod";
import { writeFileAtomic } from "../fs/atomic-write.js";
import type { Logger } from "../log/index.js";

/**
 * A small JSON state file in the data dir (pending mentions, last seen messages): read once at start,
 * written at most every `debounceMs` after a change, atomically, one write at a time, mode 0600; a
 * last write at close, after which it is never written again (the next process owns it).
 */
export class StateFile<T> {
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  readonly #writing = new PQueue({ concurrency: 1 });

  constructor(
    readonly file: string,
    private readonly schema: z.ZodType<T>,
    private readonly render: () => T,
    private readonly log: Logger,
    private readonly debounceMs = 300,
  ) {}

  /** The stored state; undefined when there is none or it is not valid (logged, then ignored: it is only a cache of work). */
  async read(): Promise<T | undefined> {
    let text: string;
    try {
      text = await readFile(this.file, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") this.log.warn({ err, file: this.file }, "state file unreadable; starting without it");
      return undefined;
    }
    try {
      const parsed = this.schema.safeParse(JSON.parse(text));
      if (parsed.success) return parsed.data;
      this.log.warn({ file: this.file, issue: parsed.error.issues[0]?.message }, "state file is not valid; starting without it");
    } catch {
      this.log.warn({ file: this.file }, "state file is not JSON; starting without it");
    }
    return undefined;
  }

  /** Schedules a write (call on every change). */
  schedule(): void {
    if (this.#timer || this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#enqueue();
    }, this.debounceMs);
    this.#timer.unref();
  }

  /** Writes the state now (once more, whatever is scheduled) and stops writing for good. */
  async close(): Promise<void> {
    if (this.#closed) return this.#writing.onIdle();
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#enqueue();
    this.#closed = true;
    await this.#writing.onIdle();
  }

  #enqueue(): void {
    const content = JSON.stringify(this.render());
    this.#writing
      .add(() => writeFileAtomic(this.file, content, 0o600))
      .catch((err: unknown) => this.log.error({ err, file: this.file }, "could not write state file"));
  }
}
