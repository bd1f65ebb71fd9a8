import PQueue from "p-queue";
import { z } from "zod";
import { writeFileAtomic } from "../fs/atomic-write.js";
import { readJson } from "./files.js";

/** `sessions` holds the ids; `used` when each was last used (a file without it counts as used at load). */
const fileSchema = z.object({
  version: z.literal(1),
  sessions: z.record(z.string(), z.record(z.string(), z.string())),
  used: z.record(z.string(), z.record(z.string(), z.number())).optional(),
});

interface Entry {
  id: string;
  usedAt: number;
}

export interface SessionStoreOptions {
  /** Epoch milliseconds, for last-used times. */
  now?: () => number;
}

/** A stored session of one conversation. */
export interface StoredSession {
  agentId: string;
  conversation: string;
  sessionId: string;
}

/**
 * (agent, conversation) → OpenCode session id and when it was last used: the bridge's map. The
 * file store below is the embedded default; a PostgreSQL store (src/store/pg/session-store.ts)
 * implements the same contract for several hosts, and may refuse a write about an agent whose
 * lease this host lost (LeaseLostError).
 */
export interface SessionMap {
  /** Gets the map ready (reads the file, or connects); every method waits for it. */
  load(): Promise<void>;
  get(agentId: string, conversation: string): Promise<string | undefined>;
  set(agentId: string, conversation: string, sessionId: string): Promise<void>;
  /** Records that the conversation's session was used now (nothing when there is none). */
  touch(agentId: string, conversation: string): Promise<void>;
  delete(agentId: string, conversation: string): Promise<void>;
  /** Forgets every session of an agent (it was removed) and returns their ids. */
  takeAgent(agentId: string): Promise<string[]>;
  /** Sessions last used at or before `time` (epoch ms), oldest first. */
  idleSince(time: number): Promise<StoredSession[]>;
  /** Waits until every change is stored. */
  flush(): Promise<void>;
  /** Flushes and lets go of what it holds (connections). */
  close(): Promise<void>;
}

/**
 * The file-backed SessionMap: persisted as JSON so
 * a restart continues the same session. Writes are coalesced: a change starts a write at once
 * unless one is already waiting, and every change made while a write runs goes into one next
 * write (so 100 new conversations cost 2 writes, not 100); `flush` waits for them (on close).
 */
export class SessionStore implements SessionMap {
  readonly #file: string;
  readonly #now: () => number;
  #data: Record<string, Record<string, Entry>> = {};
  #loaded: Promise<void> | undefined;
  readonly #writing = new PQueue({ concurrency: 1 });
  #dirty = false;

  constructor(file: string, options: SessionStoreOptions = {}) {
    this.#file = file;
    this.#now = options.now ?? Date.now;
  }

  /** Reads the file once; a broken file is set aside as empty rather than failing every prompt. */
  load(): Promise<void> {
    this.#loaded ??= readJson(this.#file)
      .then((raw) => {
        const parsed = fileSchema.safeParse(raw);
        if (!parsed.success) return;
        const now = this.#now();
        const used = parsed.data.used ?? {};
        for (const [agent, byConversation] of Object.entries(parsed.data.sessions)) {
          this.#data[agent] = Object.fromEntries(Object.entries(byConversation).map(([c, id]) => [c, { id, usedAt: used[agent]?.[c] ?? now }]));
        }
      })
      .catch(() => {
        this.#data = {};
      });
    return this.#loaded;
  }

  async get(agentId: string, conversation: string): Promise<string | undefined> {
    await this.load();
    return this.#data[agentId]?.[conversation]?.id;
  }

  async set(agentId: string, conversation: string, sessionId: string): Promise<void> {
    await this.load();
    (this.#data[agentId] ??= {})[conversation] = { id: sessionId, usedAt: this.#now() };
    this.#changed();
  }

  /** Records that the conversation's session was used now. */
  async touch(agentId: string, conversation: string): Promise<void> {
    await this.load();
    const entry = this.#data[agentId]?.[conversation];
    if (!entry) return;
    entry.usedAt = this.#now();
    this.#changed();
  }

  async delete(agentId: string, conversation: string): Promise<void> {
    await this.load();
    const forAgent = this.#data[agentId];
    if (!forAgent?.[conversation]) return;
    delete forAgent[conversation];
    if (Object.keys(forAgent).length === 0) delete this.#data[agentId];
    this.#changed();
  }

  /** Forgets every session of an agent (it was removed) and returns their ids. */
  async takeAgent(agentId: string): Promise<string[]> {
    await this.load();
    const ids = Object.values(this.#data[agentId] ?? {}).map((e) => e.id);
    if (!this.#data[agentId]) return ids;
    delete this.#data[agentId];
    this.#changed();
    await this.flush();
    return ids;
  }

  /** Sessions last used at or before `time`, oldest first. */
  async idleSince(time: number): Promise<StoredSession[]> {
    await this.load();
    const found: Array<StoredSession & { usedAt: number }> = [];
    for (const [agentId, byConversation] of Object.entries(this.#data)) {
      for (const [conversation, entry] of Object.entries(byConversation)) {
        if (entry.usedAt <= time) found.push({ agentId, conversation, sessionId: entry.id, usedAt: entry.usedAt });
      }
    }
    return found.sort((a, b) => a.usedAt - b.usedAt).map(({ agentId, conversation, sessionId }) => ({ agentId, conversation, sessionId }));
  }

  /** Waits until every change is written. */
  async flush(): Promise<void> {
    if (this.#dirty) await this.#save();
    await this.#writing.onIdle();
  }

  close(): Promise<void> {
    return this.flush();
  }

  #changed(): void {
    this.#dirty = true;
    // A write already waiting will take this change too.
    if (this.#writing.size === 0) void this.#save().catch(() => undefined);
  }

  /** Serialized; each write takes the state as it is when it runs. */
  #save(): Promise<void> {
    return this.#writing.add(async () => {
      if (!this.#dirty) return;
      this.#dirty = false;
      try {
        const sessions: Record<string, Record<string, string>> = {};
        const used: Record<string, Record<string, number>> = {};
        for (const [agent, byConversation] of Object.entries(this.#data)) {
          sessions[agent] = Object.fromEntries(Object.entries(byConversation).map(([c, e]) => [c, e.id]));
          used[agent] = Object.fromEntries(Object.entries(byConversation).map(([c, e]) => [c, e.usedAt]));
        }
        await writeFileAtomic(this.#file, `${JSON.stringify({ version: 1, sessions, used }, null, 2)}\n`, 0o600);
      } catch (err) {
        this.#dirty = true;
        throw err;
      }
    });
  }
}
