import type { HttpTransport, Presence as PresenceState, Transport } from "./types.js";

/** One agent's WebSocket as the service sees it (the transport adapts ws to it). */
export interface AgentSocket {
  send(message: object): void;
  close(code: number, reason: string): void;
}

/** Close codes of the rooms WebSocket (4000–4999 are the application's). */
export const CLOSE = {
  unauthorized: 4001,
  joinTimeout: 4002,
  replaced: 4003,
  revoked: 4004,
  pingTimeout: 4005,
  roomClosed: 4006,
  shutdown: 1001,
} as const;

export interface PresenceView {
  presence: PresenceState;
  transport: Transport | null;
  last_seen: string | null;
}

/** Who is connected how: one WebSocket per member (a new one replaces the old), REST activity, last seen. In memory. */
export class PresenceBook {
  readonly #sockets = new Map<string, { socket: AgentSocket; roomId: string }>();
  /** Each member's last plain HTTP request (REST, MCP or A2A) and by which transport. */
  readonly #lastRest = new Map<string, { at: number; transport: HttpTransport }>();
  readonly #lastSeen = new Map<string, number>();

  constructor(
    private readonly pollingWindowMs: number,
    private readonly now: () => number,
  ) {}

  /** Makes `socket` the member's connection; returns the one it replaces. */
  attach(memberId: string, roomId: string, socket: AgentSocket): AgentSocket | undefined {
    const old = this.#sockets.get(memberId)?.socket;
    this.#sockets.set(memberId, { socket, roomId });
    this.touch(memberId);
    return old === socket ? undefined : old;
  }

  /** Forgets the socket if it is still the member's connection (true), else leaves the newer one (false). */
  detach(memberId: string, socket: AgentSocket): boolean {
    if (this.#sockets.get(memberId)?.socket !== socket) return false;
    this.#sockets.delete(memberId);
    this.touch(memberId);
    return true;
  }

  socket(memberId: string): AgentSocket | undefined {
    return this.#sockets.get(memberId)?.socket;
  }

  touch(memberId: string): void {
    this.#lastSeen.set(memberId, this.now());
  }

  /** A plain HTTP request of the member (REST, MCP or A2A): polling presence by that transport. */
  touchRest(memberId: string, transport: HttpTransport = "rest"): void {
    this.#lastRest.set(memberId, { at: this.now(), transport });
    this.touch(memberId);
  }

  /** Connected (WebSocket), polling (REST within the window), else disconnected; `stored`: what the record says (from before a restart). */
  view(memberId: string, stored: { last_seen: string | null; transport: Transport | null } = { last_seen: null, transport: null }): PresenceView {
    const seen = this.#lastSeen.get(memberId);
    const last_seen = seen !== undefined ? new Date(seen).toISOString() : stored.last_seen;
    if (this.#sockets.has(memberId)) return { presence: "connected", transport: "ws", last_seen };
    const rest = this.#lastRest.get(memberId);
    if (rest !== undefined && this.now() - rest.at <= this.pollingWindowMs) return { presence: "polling", transport: rest.transport, last_seen };
    return { presence: "disconnected", transport: rest !== undefined ? rest.transport : seen !== undefined ? "ws" : stored.transport, last_seen };
  }

  /** Members seen since start, with when (ISO) and by which transport last. */
  seen(): Array<{ memberId: string; at: string; transport: Transport | null }> {
    return [...this.#lastSeen].map(([memberId, at]) => ({ memberId, at: new Date(at).toISOString(), transport: this.view(memberId).transport }));
  }

  /** Closes and forgets the member's socket; the REST marks go too. */
  drop(memberId: string, code: number, reason: string): void {
    const socket = this.#sockets.get(memberId)?.socket;
    this.#sockets.delete(memberId);
    this.#lastRest.delete(memberId);
    socket?.close(code, reason);
  }

  /** Every connected member with its socket and room. */
  *sockets(): Generator<{ memberId: string; roomId: string; socket: AgentSocket }> {
    for (const [memberId, { socket, roomId }] of this.#sockets) yield { memberId, roomId, socket };
  }
}
