/* eslint-disable @typescript-eslint/no-explicit-any -- the wire JSON an outside agent receives, checked field by field by the tests */
import { WebSocket } from "ws";
import {
  DEFAULT_ROOM_LIMITS,
  startRooms,
  type ChannelEvent,
  type OutsidePost,
  type RoomBot,
  type RoomLimits,
  type RoomsHandle,
} from "../../src/rooms/index.js";
import { captureLogs } from "./logs.js";
import { tempDir } from "./temp.js";

export const CHANNEL = { id: "200000000000000001", guild_id: "100000000000000001", name: "kitchen" };

/** A clock the test moves (expiry of invites and codes). */
export class TestClock {
  offset = 0;
  now = () => Date.now() + this.offset;
  advance(ms: number): void {
    this.offset += ms;
  }
}

export interface RoomsHarness {
  handle: RoomsHandle;
  url: string;
  dir: string;
  logs: string[];
  clock: TestClock;
  /** Posts the service emitted ("post" events). */
  posts: OutsidePost[];
  /**
   * The Discord side's part, minimally: auto-mode posts are "delivered" (settle, then the webhook
   * message comes back through ingest); ask-mode posts wait for the test. Off with `discord: false`.
   */
  deliver(post: OutsidePost): void;
  /** Post id → the Discord message id it was delivered as. */
  delivered: Map<string, string>;
  /** A channel message as the Discord side would feed it in. */
  say(content: string, author?: Partial<ChannelEvent["author"]>, mentions?: string[], replyTo?: string): ChannelEvent;
  restart(): Promise<void>;
  close(): Promise<void>;
}

let discordIds = 300000000000000000n;
const nextDiscordId = () => String(++discordIds);

export interface RoomsHarnessOptions {
  limits?: Partial<RoomLimits>;
  discord?: boolean;
  reserved?: string[];
  /** The bots in the channel (A2A agents); none by default. */
  bots?: RoomBot[];
}

/** The real rooms listener on a free loopback port over a temp data dir, with captured logs. */
export async function startRoomsHarness(options: RoomsHarnessOptions = {}): Promise<RoomsHarness> {
  const { dir, cleanup } = await tempDir("bobb-rooms-");
  const root = captureLogs("trace");
  const clock = new TestClock();
  const posts: OutsidePost[] = [];
  // Tests read faster than agents may; the default interval (1 s) has its own test.
  const limits = { ...DEFAULT_ROOM_LIMITS, pollIntervalMs: 1, ...options.limits };
  const start = () =>
    startRooms({
      dataDir: dir,
      host: "127.0.0.1",
      port: 0,
      limits,
      logger: root.logger,
      reservedNames: () => ["Chef Bot", "Alice", ...(options.reserved ?? [])],
      botsOf: () => options.bots ?? [],
      now: clock.now,
    });
  let handle = await start();
  const harness: RoomsHarness = {
    handle,
    url: handle.url,
    dir,
    logs: root.lines,
    clock,
    posts,
    delivered: new Map(),
    deliver: (post) => {
      const id = nextDiscordId();
      harness.delivered.set(post.post_id, id);
      harness.handle.rooms.settle(post.post_id, "delivered", id);
      harness.handle.rooms.ingest(post.channel_id, {
        discord_message_id: id,
        author: { id: "webhook", name: post.name, kind: "agent" },
        content: post.content,
        mentions: [],
        created_at: new Date(clock.now()).toISOString(),
      });
    },
    say: (content, author = {}, mentions = [], replyTo) => {
      const event: ChannelEvent = {
        discord_message_id: nextDiscordId(),
        author: { id: "900000000000000001", name: "Alice", kind: "human", ...author },
        content,
        mentions,
        created_at: new Date(clock.now()).toISOString(),
        ...(replyTo ? { reply_to: replyTo } : {}),
      };
      harness.handle.rooms.ingest(CHANNEL.id, event);
      return event;
    },
    restart: async () => {
      await harness.handle.close();
      handle = await start();
      harness.handle = handle;
      harness.url = handle.url;
      attach();
    },
    close: async () => {
      await harness.handle.close();
      await cleanup();
    },
  };
  const attach = () =>
    harness.handle.rooms.on("post", (post) => {
      posts.push(post);
      if (options.discord !== false && post.mode === "auto") harness.deliver(post);
    });
  attach();
  return harness;
}

/** A plain `fetch` with a bearer key and a JSON body, as an outside agent sends it. */
export async function call(url: string, key: string | undefined, method = "GET", body?: unknown): Promise<{ status: number; headers: Headers; json: any }> {
  const res = await fetch(url, {
    method,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, headers: res.headers, json };
}

/** A raw `ws` client that keeps every frame it receives and can wait for one. */
export class AgentWs {
  readonly frames: any[] = [];
  readonly ws: WebSocket;
  closed: { code: number; reason: string } | undefined;
  readonly #waiters: Array<{ match: (f: any) => boolean; resolve: (f: any) => void }> = [];
  readonly #closeWaiters: Array<(c: { code: number; reason: string }) => void> = [];
  /** Answer pings (true) or let them go unanswered. */
  pong = true;

  constructor(url: string) {
    this.ws = new WebSocket(`${url.replace(/^http/, "ws")}/ws`);
    this.ws.on("message", (data) => {
      const frame = JSON.parse(String(data));
      if (frame.type === "ping" && this.pong) this.send({ type: "pong" });
      this.frames.push(frame);
      for (const w of [...this.#waiters]) {
        if (!w.match(frame)) continue;
        this.#waiters.splice(this.#waiters.indexOf(w), 1);
        w.resolve(frame);
      }
    });
    this.ws.on("close", (code, reason) => {
      this.closed = { code, reason: String(reason) };
      for (const w of this.#closeWaiters.splice(0)) w(this.closed);
    });
  }

  opened(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.ws.readyState === WebSocket.OPEN) resolve();
      this.ws.once("open", () => resolve());
      this.ws.once("error", reject);
    });
  }

  send(frame: object): void {
    this.ws.send(JSON.stringify(frame));
  }

  /** The first frame (already received or coming) that matches, within `timeoutMs`. */
  next(match: (f: any) => boolean, timeoutMs = 5000, what = "a frame"): Promise<any> {
    const seen = this.frames.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; frames: ${JSON.stringify(this.frames)}`)), timeoutMs);
      this.#waiters.push({ match, resolve: (f) => (clearTimeout(timer), resolve(f)) });
    });
  }

  /** Resolves when the server closed the connection. */
  whenClosed(timeoutMs = 5000): Promise<{ code: number; reason: string }> {
    if (this.closed) return Promise.resolve(this.closed);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("timed out waiting for the close")), timeoutMs);
      this.#closeWaiters.push((c) => (clearTimeout(timer), resolve(c)));
    });
  }

  close(): void {
    this.ws.terminate();
  }
}

/** What an outside agent reads out of a pasted invite block (and the lines BoBB writes above it): nothing else. */
export interface PastedBlock {
  text: string;
  key: string;
  roomId: string;
  rest: string;
  ws: string;
  joinUrl: string;
  joinCode: string;
}

export function parseInviteBlock(text: string): PastedBlock {
  const grab = (re: RegExp, what: string) => {
    const m = re.exec(text);
    if (!m) throw new Error(`no ${what} in the block:\n${text}`);
    return m[1]!;
  };
  return {
    text,
    key: grab(/Your key: (ak_\S+)/, "key"),
    roomId: grab(/Room ID: (\S+)/, "room id"),
    rest: grab(/POST (\S+)\/messages/, "REST URL"),
    ws: grab(/Connect: (\S+)/, "WebSocket URL"),
    joinUrl: grab(/join link (\S+)/, "join link"),
    joinCode: grab(/join code (?:\*\*)?([A-Z0-9]{6})\b/, "join code"),
  };
}
