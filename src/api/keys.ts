import { createHash, randomBytes } from "node:crypto";

/**
 * admin: operators and scripts; bobb: BoBB's agent; child: a created bot's agent; project: the
 * tools of the one project every child bot runs in (project mode), which act as the bot whose
 * prompt runs in the calling session, and as no one outside a live turn.
 */
export type KeyRole = "admin" | "bobb" | "child" | "project";
export interface KeyIdentity {
  agentId: string;
  role: KeyRole;
}

const hash = (key: string) => createHash("sha256").update(key).digest("hex");

/** Each role has its own namespace of holders, so an agent id can never stand for the operator's key. */
const slot = (role: KeyRole, agentId: string) => `${role}:${agentId}`;

/** Bearer keys, generated per agent at start-up and kept in memory only. */
export class KeyStore {
  readonly #byHash = new Map<string, KeyIdentity>();
  readonly #hashBySlot = new Map<string, string>();
  readonly #onIssue: ((key: string) => void) | undefined;

  /** `onIssue` lets the caller register each key as a secret to scrub from logs. */
  constructor(onIssue?: (key: string) => void) {
    this.#onIssue = onIssue;
  }

  /** Issues (or replaces) the key of an agent and returns it. */
  issue(agentId: string, role: KeyRole): string {
    return this.register(`bobb_${randomBytes(24).toString("base64url")}`, agentId, role);
  }

  /** Registers a given key (the operator's BOBB_API_KEY). */
  register(key: string, agentId: string, role: KeyRole): string {
    this.revoke(agentId, role);
    const h = hash(key);
    const taken = this.#byHash.get(h);
    if (taken) this.#hashBySlot.delete(slot(taken.role, taken.agentId));
    this.#byHash.set(h, { agentId, role });
    this.#hashBySlot.set(slot(role, agentId), h);
    this.#onIssue?.(key);
    return key;
  }

  /** Revokes the key of one holder in one role (children by default: the operator's key is never revoked by an agent id). */
  revoke(agentId: string, role: KeyRole = "child"): void {
    const h = this.#hashBySlot.get(slot(role, agentId));
    if (h) this.#byHash.delete(h);
    this.#hashBySlot.delete(slot(role, agentId));
  }

  /** True while the holder has a key in this role (not revoked). */
  holds(agentId: string, role: KeyRole): boolean {
    return this.#hashBySlot.has(slot(role, agentId));
  }

  /** Who a presented key belongs to, if anyone. */
  resolve(key: string): KeyIdentity | undefined {
    return this.#byHash.get(hash(key));
  }
}
