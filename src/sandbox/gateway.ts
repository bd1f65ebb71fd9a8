import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type RawData, type WebSocket } from "ws";
import { Intent, KNOWN_INTENTS, PRIVILEGED_INTENTS, type SandboxContext, type SandboxEvent } from "./events.js";
import type { ApplicationRecord } from "./model.js";
import { allowedPrivileged, identifySchema, memberChunks, membersSchema, presenceSchema, readyPayload, resumeSchema } from "./gateway-payloads.js";
import { guildCreatePayload } from "./payloads.js";
import { GatewaySession, type Connection } from "./session.js";
import { bareToken } from "./token.js";

/** Gateway tuning; the defaults are Discord's where Discord has one. */
export interface GatewayOptions {
  heartbeatIntervalMs: number;
  /** Dispatches kept per session for RESUME. */
  replayBufferSize: number;
  /** How long a disconnected session can still be resumed. */
  resumeWindowMs: number;
}

/** Discord's gateway over WebSocket (plain JSON): identify, heartbeat, resume with replay, intent-aware dispatch. */
export class Gateway {
  readonly #wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  readonly #sessions = new Map<string, GatewaySession>();
  readonly #byUser = new Map<string, Set<GatewaySession>>();
  readonly #conns = new Set<Connection>();
  // Last announced presence per user, so reconnect churn does not spam PRESENCE_UPDATE.
  readonly #lastPresence = new Map<string, boolean>();
  readonly #sweep: NodeJS.Timeout;

  constructor(
    private readonly ctx: SandboxContext,
    private readonly options: GatewayOptions,
    private readonly url: () => string,
  ) {
    this.#sweep = setInterval(() => this.#sweepStale(), Math.min(options.heartbeatIntervalMs, 10_000));
    this.#sweep.unref();
  }

  /** Takes over an HTTP upgrade request for the gateway path. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const params = new URL(req.url ?? "/", "http://sandbox").searchParams;
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws, params));
  }

  /** Routes one event to every session that should receive it (bus listener). */
  deliver(event: SandboxEvent): void {
    // Ephemeral messages exist only for the person who ran the command; observer events are for humans.
    if (event.ephemeralFor || event.observersOnly) return;
    const targets = new Set(event.userIds);
    const guild = event.guildId ? this.ctx.store.guilds.get(event.guildId) : undefined;
    if (guild) for (const member of guild.members) if (this.#byUser.has(member.userId)) targets.add(member.userId);
    let full: string | undefined;
    let redacted: string | undefined;
    for (const userId of targets) {
      for (const session of this.#byUser.get(userId) ?? []) {
        if (event.intent && !(session.intents & event.intent)) continue;
        if (event.withoutIntent && session.intents & event.withoutIntent) continue;
        const seesContent = !event.content || session.intents & Intent.MessageContent || event.content.visibleTo.includes(userId);
        const d = seesContent ? (full ??= JSON.stringify(event.d)) : (redacted ??= JSON.stringify(event.content?.redacted));
        session.dispatch(event.t, d);
      }
    }
  }

  /** True while the user has a connected, non-invisible session. */
  isOnline(userId: string): boolean {
    return [...(this.#byUser.get(userId) ?? [])].some((s) => s.online);
  }

  /** How many sessions (connected or resumable) the user has. */
  sessionCount(userId: string): number {
    return this.#byUser.get(userId)?.size ?? 0;
  }

  /** How many of the user's sessions have a connection now (resumable ones without one are not counted). */
  connectionCount(userId: string): number {
    return [...(this.#byUser.get(userId) ?? [])].filter((s) => s.conn).length;
  }

  /** Sends GUILD_CREATE for a guild the bot just joined. */
  sendGuildCreate(userId: string, guildId: string): void {
    for (const session of this.#byUser.get(userId) ?? []) this.#guildCreate(session, guildId);
  }

  /** Cuts a user's connections without a close frame; sessions stay resumable. Returns how many were cut. */
  drop(userId: string): number {
    let count = 0;
    for (const session of this.#byUser.get(userId) ?? []) {
      const conn = session.conn;
      if (!conn) continue;
      this.#detach(session);
      conn.ws.terminate();
      count++;
    }
    if (count) this.#presenceChanged(userId);
    return count;
  }

  /** Asks a user's clients to reconnect and resume (op 7). */
  requestReconnect(userId: string): number {
    let count = 0;
    for (const session of this.#byUser.get(userId) ?? []) {
      if (!session.conn) continue;
      session.send('{"op":7,"d":null,"s":null,"t":null}');
      count++;
    }
    return count;
  }

  /** Closes and forgets every session of a user (token reset: 4004, not resumable). */
  closeUser(userId: string, code: number, reason: string): void {
    for (const session of [...(this.#byUser.get(userId) ?? [])]) {
      const conn = session.conn;
      this.#forget(session);
      conn?.ws.close(code, reason);
    }
    this.#presenceChanged(userId);
  }

  /** Counts for diagnostics and tests. */
  stats(): { connections: number; sessions: number } {
    return { connections: this.#conns.size, sessions: this.#sessions.size };
  }

  /** Ends every connection at once (the server is going away). */
  close(): Promise<void> {
    clearInterval(this.#sweep);
    for (const conn of this.#conns) conn.ws.terminate();
    this.#conns.clear();
    this.#sessions.clear();
    this.#byUser.clear();
    return new Promise((resolve) => this.#wss.close(() => resolve()));
  }

  #accept(ws: WebSocket, params: URLSearchParams): void {
    const conn: Connection = { ws, session: null, lastHeartbeat: this.ctx.now() };
    this.#conns.add(conn);
    ws.on("error", () => ws.terminate());
    ws.on("close", (code) => this.#onClose(conn, code));
    const version = params.get("v");
    if (version && version !== "10" && version !== "9") return void ws.close(4012, "Invalid API version");
    if ((params.get("encoding") ?? "json") !== "json") return void ws.close(4002, "Only JSON encoding is supported");
    ws.on("message", (data, isBinary) => this.#onMessage(conn, data, isBinary));
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: this.options.heartbeatIntervalMs, _trace: ["sandbox"] }, s: null, t: null }));
  }

  #onMessage(conn: Connection, data: RawData, isBinary: boolean): void {
    let payload: { op?: unknown; d?: unknown };
    try {
      payload = isBinary ? { op: -1 } : (JSON.parse(data.toString()) as { op?: unknown; d?: unknown });
    } catch {
      return void conn.ws.close(4002, "Error while decoding payload.");
    }
    switch (payload.op) {
      case 1:
        conn.lastHeartbeat = this.ctx.now();
        conn.ws.send('{"op":11,"d":null,"s":null,"t":null}');
        return;
      case 2:
        return this.#identify(conn, payload.d);
      case 6:
        return this.#resume(conn, payload.d);
      case 3:
        return this.#presenceUpdate(conn, payload.d);
      case 8:
        return this.#requestMembers(conn, payload.d);
      case 4:
        return; // voice state: not emulated, silently accepted
      default:
        return void conn.ws.close(4001, "Unknown opcode.");
    }
  }

  #identify(conn: Connection, raw: unknown): void {
    if (conn.session) return void conn.ws.close(4005, "Already authenticated.");
    const parsed = identifySchema.safeParse(raw);
    if (!parsed.success) return void conn.ws.close(4002, "Error while decoding payload.");
    const d = parsed.data;
    const app = this.#app(d.token);
    if (!app) return void conn.ws.close(4004, "Authentication failed.");
    if (d.intents < 0 || d.intents & ~KNOWN_INTENTS) return void conn.ws.close(4013, "Invalid intent(s).");
    if (d.intents & PRIVILEGED_INTENTS & ~allowedPrivileged(app)) return void conn.ws.close(4014, "Disallowed intent(s).");
    const user = this.ctx.store.users.get(app.botUserId);
    if (!user) return void conn.ws.close(4004, "Authentication failed.");
    const session = new GatewaySession(randomBytes(16).toString("hex"), user.id, app.id, d.intents, this.options.replayBufferSize);
    session.status = d.presence?.status ?? "online";
    this.#sessions.set(session.id, session);
    const set = this.#byUser.get(user.id) ?? new Set();
    set.add(session);
    this.#byUser.set(user.id, set);
    this.#attach(session, conn);
    const guilds = this.ctx.store.guildsOf(user.id);
    const ready = readyPayload(user, app, session.id, guilds, this.url(), d.shard ?? [0, 1]);
    session.dispatch("READY", JSON.stringify(ready));
    for (const guild of guilds) this.#guildCreate(session, guild.id);
    this.#presenceChanged(user.id);
  }

  #resume(conn: Connection, raw: unknown): void {
    if (conn.session) return void conn.ws.close(4005, "Already authenticated.");
    const parsed = resumeSchema.safeParse(raw);
    if (!parsed.success) return void conn.ws.close(4002, "Error while decoding payload.");
    const app = this.#app(parsed.data.token);
    if (!app) return void conn.ws.close(4004, "Authentication failed.");
    const session = this.#sessions.get(parsed.data.session_id);
    const frames = session && session.userId === app.botUserId ? session.framesAfter(parsed.data.seq ?? 0) : null;
    if (!session || !frames) {
      if (session) this.#forget(session);
      return void conn.ws.send('{"op":9,"d":false,"s":null,"t":null}');
    }
    // A resume supersedes whatever connection the session still had (usually a zombie).
    const previous = session.conn;
    if (previous) {
      previous.session = null;
      previous.ws.close(4000, "Session resumed elsewhere");
    }
    this.#attach(session, conn);
    for (const frame of frames) conn.ws.send(frame);
    session.dispatch("RESUMED", '{"_trace":["sandbox"]}');
    this.#presenceChanged(session.userId);
  }

  #presenceUpdate(conn: Connection, raw: unknown): void {
    const session = conn.session;
    if (!session) return void conn.ws.close(4003, "Not authenticated.");
    const parsed = presenceSchema.safeParse(raw);
    if (!parsed.success) return void conn.ws.close(4002, "Error while decoding payload.");
    session.status = parsed.data.status;
    this.#presenceChanged(session.userId, true);
  }

  #requestMembers(conn: Connection, raw: unknown): void {
    const session = conn.session;
    if (!session) return void conn.ws.close(4003, "Not authenticated.");
    const parsed = membersSchema.safeParse(raw);
    if (!parsed.success) return void conn.ws.close(4002, "Error while decoding payload.");
    for (const chunk of memberChunks(this.ctx.store, session.userId, session.intents, parsed.data)) {
      session.dispatch("GUILD_MEMBERS_CHUNK", JSON.stringify(chunk));
    }
  }

  #guildCreate(session: GatewaySession, guildId: string): void {
    const guild = this.ctx.store.guilds.get(guildId);
    if (!guild) return;
    // Without the members or presences intent Discord lists only the bot itself.
    const full = session.intents & (Intent.GuildMembers | Intent.GuildPresences);
    const members = full ? guild.members : guild.members.filter((m) => m.userId === session.userId);
    const presences =
      session.intents & Intent.GuildPresences ? guild.members.filter((m) => this.isOnline(m.userId)).map((m) => this.#presence(m.userId, guild.id)) : [];
    session.dispatch("GUILD_CREATE", JSON.stringify(guildCreatePayload(this.ctx.store, guild, session.userId, members, presences)));
  }

  #presence(userId: string, guildId: string): Record<string, unknown> {
    const session = [...(this.#byUser.get(userId) ?? [])].find((s) => s.online);
    const status = session ? session.status : "offline";
    return { user: { id: userId }, guild_id: guildId, status, activities: [], client_status: session ? { web: status } : {} };
  }

  #presenceChanged(userId: string, force = false): void {
    const online = this.isOnline(userId);
    if (!force && this.#lastPresence.get(userId) === online) return;
    this.#lastPresence.set(userId, online);
    for (const guild of this.ctx.store.guildsOf(userId)) {
      this.ctx.bus.emit({ t: "PRESENCE_UPDATE", d: this.#presence(userId, guild.id), guildId: guild.id, userIds: [], intent: Intent.GuildPresences });
    }
  }

  #app(token: string): ApplicationRecord | undefined {
    const bare = bareToken(token);
    return bare ? this.ctx.store.applicationByToken(bare) : undefined;
  }

  #attach(session: GatewaySession, conn: Connection): void {
    session.conn = conn;
    session.disconnectedAt = null;
    conn.session = session;
  }

  #detach(session: GatewaySession): void {
    if (session.conn) session.conn.session = null;
    session.conn = null;
    session.disconnectedAt = this.ctx.now();
  }

  #forget(session: GatewaySession): void {
    this.#detach(session);
    this.#sessions.delete(session.id);
    const set = this.#byUser.get(session.userId);
    set?.delete(session);
    if (set?.size === 0) this.#byUser.delete(session.userId);
  }

  #onClose(conn: Connection, code: number): void {
    this.#conns.delete(conn);
    const session = conn.session;
    if (!session || session.conn !== conn) return;
    // A client closing with 1000/1001 ends its session on Discord; any other close may resume.
    if (code === 1000 || code === 1001) this.#forget(session);
    else this.#detach(session);
    this.#presenceChanged(session.userId);
  }

  #sweepStale(): void {
    const now = this.ctx.now();
    for (const conn of this.#conns) {
      if (now - conn.lastHeartbeat > this.options.heartbeatIntervalMs * 2 + 5_000) conn.ws.terminate();
    }
    for (const session of this.#sessions.values()) {
      if (!session.conn && session.disconnectedAt !== null && now - session.disconnectedAt > this.options.resumeWindowMs) this.#forget(session);
    }
  }
}
