import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import PQueue from "p-queue";
import { writeFileAtomic } from "../fs/atomic-write.js";
import { snapshotSchema, type StateSnapshot } from "./model.js";

/** Reads a state file; null when it does not exist; throws with the path when it is not valid state. */
export function loadState(path: string): StateSnapshot | null {
  if (!existsSync(path)) return null;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (cause) {
    throw new Error(`sandbox state file ${path} is not valid JSON; fix or delete it`, { cause });
  }
  const result = snapshotSchema.safeParse(json);
  if (!result.success) throw new Error(`sandbox state file ${path} is not valid sandbox state (${result.error.issues[0]?.message ?? "?"}); fix or delete it`);
  return result.data;
}

/** Writes the state at most every `debounceMs`, atomically and one write at a time, mode 0600 since it holds tokens. */
export class StateSaver {
  #timer: NodeJS.Timeout | null = null;
  readonly #writing = new PQueue({ concurrency: 1 });

  constructor(
    private readonly path: string,
    private readonly snapshot: () => StateSnapshot,
    private readonly onError: (error: unknown) => void,
    private readonly debounceMs = 200,
  ) {
    mkdirSync(dirname(path), { recursive: true });
  }

  /** Schedules a save (called on every change). */
  schedule(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#writing.add(() => this.#write()).catch(this.onError);
    }, this.debounceMs);
    this.#timer.unref();
  }

  /** Writes now if a save is pending, and waits for writes in flight. */
  async flush(): Promise<void> {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = null;
      this.#writing.add(() => this.#write()).catch(this.onError);
    }
    await this.#writing.onIdle();
  }

  async #write(): Promise<void> {
    await writeFileAtomic(this.path, JSON.stringify(this.snapshot()), 0o600);
  }
}
