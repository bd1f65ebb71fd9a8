import { createHash, randomBytes } from "node:crypto";

/** admin: operators and scripts; bobb: BoBB's agent; child: a created bot's agent. */
export type KeyRole = "admin" | "bobb" | "child";
export interface KeyIdentity {
  agentId: string;
  role: KeyRole;
}

const hash = (key: string) => createHash("sha256").update(key).digest("hex");

/** Bearer keys, generated per agent at start-up and kept in memory only. */
export class KeyStore {
  readonly #byHash = new Map<string, KeyIdentity>();
  readonly #hashByAgent = new Map<string, string>();
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
    this.revoke(agentId);
    const h = hash(key);
    this.#byHash.set(h, { agentId, role });
    this.#hashByAgent.set(agentId, h);
    this.#onIssue?.(key);
    return key;
  }

  revoke(agentId: string): void {
    const h = this.#hashByAgent.get(agentId);
    if (h) this.#byHash.delete(h);
    this.#hashByAgent.delete(agentId);
  }

  /** Who a presented key belongs to, if anyone. */
  resolve(key: string): KeyIdentity | undefined {
    return this.#byHash.get(hash(key));
  }
}
