import { EventEmitter } from "node:events";
import { chmod, mkdir, stat } from "node:fs/promises";
import path from "node:path";
import PQueue from "p-queue";
import type { Logger } from "../log/index.js";
import { writeFileAtomic } from "../fs/atomic-write.js";
import { readSettled, replaceIfUnchanged } from "./cas.js";
import { watchFile, type FileWatch } from "./watch-file.js";
import { diffRegistries } from "./diff.js";
import { RegistryError } from "./errors.js";
import { parseRegistry, serializeRegistry } from "./parse.js";
import { emptyRegistry, type Registry } from "./schema.js";

import type { ChangeOrigin, RegistryEvents, RegistryHealth, RegistryPort } from "./port.js";

export type { RegistryEvents, RegistryHealth };

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
export class RegistryStore extends EventEmitter<RegistryEvents> implements RegistryPort {
  readonly file: string;
  #state: Registry;
  #health: RegistryHealth = { ok: true };
  /** The exact text last read or written by us, to tell our own writes from operator edits. */
  #known = "";
  /** Every read-modify-write of the file, one at a time; a failed task does not stop the next. */
  readonly #queue = new PQueue({ concurrency: 1 });
  #watcher: FileWatch | undefined;
  #syncQueued = false;
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
      this.#watcher = watchFile(
        this.file,
        () => this.#queueSync(),
        (err) => this.#log.warn({ err }, "registry watcher error"),
      );
    }
  }

  /** One re-read queued at a time: a burst of events needs only one look at the file. */
  #queueSync(): void {
    if (this.#syncQueued) return;
    this.#syncQueued = true;
    void this.#serialize(() => {
      this.#syncQueued = false;
      return this.#syncFromDisk(false);
    }).catch((err: unknown) => this.#log.warn({ err }, "could not re-read the registry file"));
  }

  get location(): string {
    return this.file;
  }

  /** The current (last valid) registry. Callers must not mutate it. */
  get snapshot(): Readonly<Registry> {
    return this.#state;
  }

  get health(): RegistryHealth {
    return this.#health;
  }

  /** Health as the file is now: re-read on each call, so a broken edit shows before the watcher sees it. */
  async checkHealth(): Promise<RegistryHealth> {
    const text = await readSettled(this.file).catch(() => undefined);
    if (text !== this.#known || !this.#health.ok) await this.reload().catch(() => undefined);
    return this.#health;
  }

  /**
   * Applies a change through the write queue. The function gets a copy to edit (and may run
   * again on a newer copy if the file was edited meanwhile: it must only change the draft);
   * its result is returned once the file is on disk. Refused while the file on disk is invalid.
   */
  update<T>(fn: (draft: Registry) => T | Promise<T>): Promise<T> {
    return this.#serialize(async () => {
      for (let attempt = 1; ; attempt++) {
        const base = await this.#syncFromDisk(false);
        if (!this.#health.ok) {
          throw new RegistryError("REGISTRY_INVALID", `registry.json is invalid and was left untouched; fix it first (${this.#health.error})`);
        }
        const draft = structuredClone(this.#state);
        const result = await fn(draft);
        const text = serializeRegistry(draft);
        const valid = parseRegistry(text);
        if (!valid.ok) throw new RegistryError("INVALID_AGENT", `the change would make registry.json invalid: ${valid.error}`);
        // Only over the very text we built on: a hand edit made meanwhile is read and the change re-applied.
        if ((await replaceIfUnchanged(this.file, base, text)).ok) {
          this.#known = text;
          this.#apply(draft, "api");
          return result;
        }
        if (attempt >= 20) throw new RegistryError("REGISTRY_BUSY", "registry.json keeps changing under the write; try again");
      }
    });
  }

  /** Re-reads the file now (as the watcher would). */
  reload(): Promise<void> {
    return this.#serialize(() => this.#syncFromDisk(false)).then(() => undefined);
  }

  async close(): Promise<void> {
    this.#watcher?.close();
    this.#watcher = undefined;
    await this.#queue.onIdle();
  }

  #serialize<T>(task: () => Promise<T>): Promise<T> {
    return this.#queue.add(task);
  }

  async #write(next: Registry, origin: ChangeOrigin): Promise<void> {
    const text = serializeRegistry(next);
    await writeFileAtomic(this.file, text, 0o600);
    this.#known = text;
    this.#apply(next, origin);
  }

  #apply(next: Registry, origin: ChangeOrigin): void {
    const before = this.#state;
    this.#state = next;
    for (const change of diffRegistries(before, next)) this.emit("change", change, origin);
  }

  /** Reads the file; applies an operator edit, or records that the file is broken. Returns the text read. */
  async #syncFromDisk(initial: boolean): Promise<string> {
    await this.#ownerOnly();
    const text = await readSettled(this.file);
    if (text === null) {
      if (!initial) this.#log.warn({ file: this.file }, "registry file was removed; writing it again from memory");
      await this.#write(this.#state, "file");
      this.#markHealthy();
      return this.#known;
    }
    if (text === this.#known) {
      // Our own write echoing back, or the operator restoring the last good file.
      this.#markHealthy();
      return text;
    }
    const parsed = parseRegistry(text);
    if (!parsed.ok) {
      if (this.#health.ok || this.#health.error !== parsed.error) {
        this.#log.error({ file: this.file }, `registry edit rejected, still running on the last good state: ${this.file}: ${parsed.error}`);
        this.#health = { ok: false, error: parsed.error };
        this.emit("invalid", parsed.error);
      }
      return text;
    }
    this.#known = text;
    if (!initial) this.#log.info({ file: this.file }, "registry edited by hand; applying");
    this.#apply(parsed.value, "file");
    this.#markHealthy();
    return text;
  }

  /** It holds tokens: owner-only as soon as we see it (a broken file may not be written again for a while, a hand edit may bring 0644). */
  async #ownerOnly(): Promise<void> {
    // Only when needed: a chmod is itself a change the watcher would see.
    const mode = await stat(this.file).then(
      (s) => s.mode & 0o777,
      (err: NodeJS.ErrnoException) => {
        if (err.code === "ENOENT") return 0o600;
        throw err;
      },
    );
    if (mode !== 0o600) await chmod(this.file, 0o600);
  }

  #markHealthy(): void {
    if (this.#health.ok) return;
    this.#health = { ok: true };
    this.#log.info({ file: this.file }, "registry is valid again");
    this.emit("recovered");
  }
}
