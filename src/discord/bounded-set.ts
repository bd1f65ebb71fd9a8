import { LRUCache } from "lru-cache";

/** A set of ids that keeps at most `max` of them, forgetting the least recently used first. */
export class BoundedSet {
  readonly #ids: LRUCache<string, true>;

  constructor(max: number) {
    this.#ids = new LRUCache({ max });
  }

  has(id: string): boolean {
    return this.#ids.get(id) === true;
  }

  add(id: string): this {
    this.#ids.set(id, true);
    return this;
  }

  get size(): number {
    return this.#ids.size;
  }
}
