import type { WebSocket } from "ws";

/** One live WebSocket; `session` is set once it has identified or resumed. */
export interface Connection {
  ws: WebSocket;
  session: GatewaySession | null;
  lastHeartbeat: number;
}

/**
 * A gateway session outlives its connection so that RESUME can replay what was missed.
 * The replay buffer is a bounded list of dispatches whose `d` is the JSON the gateway made once
 * for every session (a thousand bots in one guild share one string per event, not a frame each);
 * the frame text is built when it is sent or replayed.
 */
export class GatewaySession {
  seq = 0;
  conn: Connection | null = null;
  disconnectedAt: number | null = null;
  status = "online";
  readonly #frames: { s: number; t: string; d: string }[] = [];

  constructor(
    readonly id: string,
    readonly userId: string,
    readonly applicationId: string,
    readonly intents: number,
    private readonly bufferSize: number,
  ) {}

  /** True when the session has a connection and should appear online. */
  get online(): boolean {
    return this.conn !== null && this.status !== "invisible";
  }

  /** Numbers, buffers and (when connected) sends one dispatch; `d` is already JSON. */
  dispatch(t: string, d: string): void {
    const s = ++this.seq;
    this.#frames.push({ s, t, d });
    if (this.#frames.length > this.bufferSize) this.#frames.shift();
    if (this.conn) this.send(frame(t, s, d));
  }

  /** Sends a raw frame if the socket is open (a dead socket is cleaned up by its close handler). */
  send(frame: string): void {
    const ws = this.conn?.ws;
    if (ws && ws.readyState === ws.OPEN) ws.send(frame);
  }

  /** Frames after `seq`, or null when the buffer no longer reaches back that far. */
  framesAfter(seq: number): string[] | null {
    if (seq >= this.seq) return [];
    const first = this.#frames[0];
    if (!first || first.s > seq + 1) return null;
    return this.#frames.filter((f) => f.s > seq).map((f) => frame(f.t, f.s, f.d));
  }
}

const frame = (t: string, s: number, d: string) => `{"op":0,"t":"${t}","s":${s},"d":${d}}`;
