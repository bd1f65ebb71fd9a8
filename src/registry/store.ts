import { EventEmitter } from "node:events";
import { readFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { watch, type FSWatcher } from "chokidar";
import PQueue from "p-queue";
import type { Logger } from "../log/index.js";
import { writeFileAtomic } from "../fs/atomic-write.js";
import { diffRegistries, type RegistryChange } from "./diff.js";
import { RegistryError } from "./errors.js";
import { parseRegistry, serializeRegistry } from "./parse.js";
import { emptyRegistry, type Registry } from "./schema.js";

export type RegistryHealth = { ok: true } | { ok: false; error: string };

export interface RegistryEvents {
  change: [change: RegistryChange, origin: "api" | "file"];
  invalid: [error: string];
  recovered: [];
}

export interface RegistryStoreOptions {
  file: string;
  firstPort: number;
  logger: Logger;
  /** Watch the file for operator edits (off in short-lived tools). */
  watch?: boolean;
}

/**
 * The registry file: one in-memory copy, writes serialized through one queue and written
 * atomically, operator edits picked up live. A broken hand edit is never overwritten.
 */
export class RegistryStore extends EventEmitter<RegistryEvents> {
  readonly file: string;
  #state: Registry;
  #health: RegistryHealth = { ok: true };
  /** The exact text last read or written by us, to tell our own writes from operator edits. */
  #known = "";
  /** Every read-modify-write of the file, one at a time; a failed task does not stop the next. */
  readonly #queue = new PQueue({ concurrency: 1 });
  #watcher: FSWatcher | undefined;
  readonly #options: RegistryStoreOptions;
  readonly #log: Logger;

  constructor(options: RegistryStoreOptions) {
    super();
    this.#options = options;
    this.file = path.resolve(options.file);
    this.#state = emptyRegistry(options.firstPort);
    this.#log = options.logger.child({ component: "registry" });
  }

  /** Loads (or creates) the file and starts watching it. */
  async open(): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    await this.#serialize(() => this.#syncFromDisk(true));
    if (this.#options.watch !== false) {
      this.#watcher = watch(this.file, { ignoreInitial: true, awaitWriteFinish: { stabilityThreshold: 50, pollInterval: 20 } });
      this.#watcher.on("all", () => void this.#serialize(() => this.#syncFromDisk(false)).catch(() => undefined));
      this.#watcher.on("error", (err) => this.#log.warn({ err }, "registry watcher error"));
      await new Promise<void>((resolve) => this.#watcher!.once("ready", () => resolve()));
    }
  }

  /** The current (last valid) registry. Callers must not mutate it. */
  get snapshot(): Readonly<Registry> {
    return this.#state;
  }

  get health(): RegistryHealth {
    return this.#health;
  }

  /**
   * Applies a change through the write queue. The function gets a copy to edit; its result
   * is returned once the file is on disk. Refused while the file on disk is invalid.
   */
  update<T>(fn: (draft: Registry) => T | Promise<T>): Promise<T> {
    return this.#serialize(async () => {
      await this.#syncFromDisk(false);
      if (!this.#health.ok) {
        throw new RegistryError("REGISTRY_INVALID", `registry.json is invalid and was left untouched; fix it first (${this.#health.error})`);
      }
      const draft = structuredClone(this.#state);
      const result = await fn(draft);
      await this.#write(draft, "api");
      return result;
    });
  }

  /** Re-reads the file now (as the watcher would). */
  reload(): Promise<void> {
    return this.#serialize(() => this.#syncFromDisk(false));
  }

  async close(): Promise<void> {
    await this.#watcher?.close();
    this.#watcher = undefined;
    await this.#queue.onIdle();
  }

  #serialize<T>(task: () => Promise<T>): Promise<T> {
    return this.#queue.add(task);
  }

  async #write(next: Registry, origin: "api" | "file"): Promise<void> {
    const text = serializeRegistry(next);
    await writeFileAtomic(this.file, text, 0o600);
    this.#known = text;
    this.#apply(next, origin);
  }

  #apply(next: Registry, origin: "api" | "file"): void {
    const before = this.#state;
    this.#state = next;
    for (const change of diffRegistries(before, next)) this.emit("change", change, origin);
  }

  /** Reads the file; applies an operator edit, or records that the file is broken. */
  async #syncFromDisk(initial: boolean): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.file, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
      if (!initial) this.#log.warn({ file: this.file }, "registry file was removed; writing it again from memory");
      await this.#write(this.#state, "file");
      this.#markHealthy();
      return;
    }
    if (text === this.#known) {
      // Our own write echoing back, or the operator restoring the last good file.
      this.#markHealthy();
      return;
    }
    const parsed = parseRegistry(text);
    if (!parsed.ok) {
      if (this.#health.ok || this.#health.error !== parsed.error) {
        this.#log.error({ file: this.file }, `registry edit rejected, still running on the last good state: ${this.file}: ${parsed.error}`);
        this.#health = { ok: false, error: parsed.error };
        this.emit("invalid", parsed.error);
      }
      return;
    }
    this.#known = text;
    if (!initial) this.#log.info({ file: this.file }, "registry edited by hand; applying");
    this.#apply(parsed.value, "file");
    this.#markHealthy();
  }

  #markHealthy(): void {
    if (this.#health.ok) return;
    this.#health = { ok: true };
    this.#log.info({ file: this.file }, "registry is valid again");
    this.emit("recovered");
  }
}
