import type { RoomBuffer } from "./buffer.js";
import type { RoomsError } from "./errors.js";
import type { PresenceBook } from "./presence.js";
import type { RoomMessage } from "./types.js";

interface Waiter {
  roomId: string;
  memberId: string;
  wake: () => void;
  fail: (err: RoomsError) => void;
}

/** Every new buffer entry goes to the room's WebSockets (as AgentChat's events) and wakes its long polls. */
export class Fanout {
  readonly #waiters = new Set<Waiter>();

  constructor(
    buffer: RoomBuffer,
    private readonly presence: PresenceBook,
  ) {
    buffer.subscribe((message) => this.#deliver(message));
  }

  /** Resolves at the room's next message this member may see, after `ms`, or on abort; rejects on `fail`. */
  wait(roomId: string, memberId: string, ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", waiter.wake);
        this.#waiters.delete(waiter);
      };
      const waiter: Waiter = {
        roomId,
        memberId,
        wake: () => (done(), resolve()),
        fail: (err) => (done(), reject(err)),
      };
      const timer = setTimeout(waiter.wake, ms);
      signal?.addEventListener("abort", waiter.wake, { once: true });
      this.#waiters.add(waiter);
    });
  }

  /** Ends the member's long polls with an error (revoked, room closed). */
  fail(memberId: string, err: RoomsError): void {
    for (const waiter of [...this.#waiters]) if (waiter.memberId === memberId) waiter.fail(err);
  }

  /** Long polls waiting in a room now. */
  waiting(roomId: string): number {
    return [...this.#waiters].filter((w) => w.roomId === roomId).length;
  }

  /** Ends every long poll (shutdown): each answers what it has. */
  wakeAll(): void {
    for (const waiter of [...this.#waiters]) waiter.wake();
  }

  #deliver(message: RoomMessage): void {
    for (const waiter of [...this.#waiters]) {
      if (waiter.roomId === message.room_id && (message.to === undefined || message.to === waiter.memberId)) waiter.wake();
    }
    const { to, ...shown } = message;
    const event =
      message.type === "join"
        ? { type: "agent_joined", agent_id: message.from, name: message.from_name, timestamp: message.timestamp }
        : message.type === "leave"
          ? { type: "agent_left", agent_id: message.from, name: message.from_name, timestamp: message.timestamp }
          : shown;
    for (const { memberId, roomId, socket } of this.presence.sockets()) {
      if (roomId !== message.room_id || (to !== undefined && to !== memberId)) continue;
      // An agent is told of others joining and leaving, not of itself.
      if ((message.type === "join" || message.type === "leave") && message.from === memberId) continue;
      socket.send(event);
    }
  }
}
