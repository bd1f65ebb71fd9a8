import type { RoomMessage } from "./types.js";

export interface ReadPage {
  messages: RoomMessage[];
  has_more: boolean;
  next_since: string;
}

const EPOCH = new Date(0).toISOString();

/**
 * What agents read: a bounded buffer of each room's recent messages (the channel is the log;
 * the Discord side refills it from channel history after a restart), ordered by timestamp,
 * one entry per Discord message.
 */
export class RoomBuffer {
  readonly #rooms = new Map<string, RoomMessage[]>();
  readonly #listeners = new Set<(message: RoomMessage) => void>();

  constructor(readonly capacity: number) {}

  /** Adds a message in timestamp order; false when the room already has one with this id. */
  append(message: RoomMessage): boolean {
    const list = this.#rooms.get(message.room_id) ?? [];
    if (list.some((m) => m.id === message.id)) return false;
    let at = list.length;
    while (at > 0 && list[at - 1]!.timestamp > message.timestamp) at--;
    list.splice(at, 0, message);
    if (list.length > this.capacity) list.splice(0, list.length - this.capacity);
    this.#rooms.set(message.room_id, list);
    for (const listener of this.#listeners) listener(message);
    return true;
  }

  /** Messages after `since` that `viewer` may see, at most `limit` (more when several share the last timestamp). */
  read(roomId: string, viewer: string, since: string | undefined, limit: number): ReadPage {
    const after = since ?? EPOCH;
    const visible = (this.#rooms.get(roomId) ?? []).filter((m) => m.timestamp > after && (m.to === undefined || m.to === viewer));
    let end = Math.min(limit, visible.length);
    // Never cut between two messages of one timestamp: the next read starts after that timestamp.
    while (end > 0 && end < visible.length && visible[end]!.timestamp === visible[end - 1]!.timestamp) end++;
    const messages = visible.slice(0, end);
    return { messages, has_more: end < visible.length, next_since: messages.at(-1)?.timestamp ?? after };
  }

  /** Called for every appended message, of every room. */
  subscribe(listener: (message: RoomMessage) => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  drop(roomId: string): void {
    this.#rooms.delete(roomId);
  }
}

/** An ISO time in the one form the buffer compares (ms precision, Z); undefined when it is not a time. */
export function isoTime(value: string): string | undefined {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}
