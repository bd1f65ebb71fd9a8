/** Short notices for an agent's next prompt in a conversation (e.g. "a token was received"), never secrets. */
export class NoteBoard {
  readonly #notes = new Map<string, string[]>();

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
}
