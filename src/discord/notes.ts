import { LRUCache } from "lru-cache";

/** Short notices for an agent's next prompt in a conversation (e.g. "a token was received"), never secrets. */
export class NoteBoard {
  /** Bounded: notes of a conversation that never prompts again are forgotten eventually. */
  readonly #notes = new LRUCache<string, string[]>({ max: 10_000 });

  add(agentId: string, conversationKey: string, note: string): void {
    const key = `${agentId}\u0000${conversationKey}`;
    const list = this.#notes.get(key) ?? [];
    list.push(note);
    this.#notes.set(key, list.slice(-5));
  }

  /** Returns and forgets the notes waiting for this conversation. */
  take(agentId: string, conversationKey: string): string[] {
    const key = `${agentId}\u0000${conversationKey}`;
    const list = this.#notes.get(key) ?? [];
    this.#notes.delete(key);
    return list;
  }

  /** Conversations with notes waiting (for tests and metrics). */
  get size(): number {
    return this.#notes.size;
  }
}
