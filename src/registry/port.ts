import type { RegistryChange } from "./diff.js";
import type { Registry } from "./schema.js";

export type RegistryHealth = { ok: true } | { ok: false; error: string };

/** "api": written through this process; "file": changed outside it (a hand edit of the file, or another host's write). */
export type ChangeOrigin = "api" | "file";

export interface RegistryEvents {
  change: [change: RegistryChange, origin: ChangeOrigin];
  invalid: [error: string];
  recovered: [];
}

/** A write about one agent by the host that runs it (lease mode): stored only while that host still holds the agent's lease at that generation. */
export interface WriteFence {
  agentId: string;
  nodeId: string;
  generation: number;
}

export interface UpdateOptions {
  /** Refuse the write (LeaseLostError, code LEASE_LOST) unless this lease still holds; ignored by the one-host file store. */
  fence?: WriteFence | undefined;
}

/**
 * The registry as the rest of the product uses it, whatever holds it (the file for one host,
 * PostgreSQL for several). Every write goes through `update`: the function edits a fresh copy
 * of the current registry and may run again on a newer one (it must only change the draft);
 * the result is returned once the change is stored, and nothing is stored if it throws or the
 * draft is invalid. Each stored change emits one `change` event per agent, also for changes
 * made elsewhere.
 */
export interface RegistryPort {
  /** Where it is kept, for logs (never a password). */
  readonly location: string;
  /** The current (last valid) registry. Callers must not mutate it. */
  readonly snapshot: Readonly<Registry>;
  readonly health: RegistryHealth;
  /** Health as the backing store is now (re-checked on each call). */
  checkHealth(): Promise<RegistryHealth>;
  update<T>(fn: (draft: Registry) => T | Promise<T>, options?: UpdateOptions): Promise<T>;
  /** Re-reads the backing store now. */
  reload(): Promise<void>;
  open(): Promise<void>;
  close(): Promise<void>;
  on<K extends keyof RegistryEvents>(event: K, listener: (...args: RegistryEvents[K]) => void): this;
  off<K extends keyof RegistryEvents>(event: K, listener: (...args: RegistryEvents[K]) => void): this;
}
