import PQueue from "p-queue";
import { z } from "zod";
import { writeFileAtomic } from "../fs/atomic-write.js";
import { readJson } from "./files.js";

/** Version 1 stored ids only; version 2 also when each session was last used. */
const fileSchema = z.union([
  z.object({ version: z.literal(1), sessions: z.record(z.string(), z.record(z.string(), z.string())) }),
  z.object({ version: z.literal(2), sessions: z.record(z.string(), z.record(z.string(), z.object({ id: z.string(), usedAt: z.number() }))) }),
]);

interface Entry {
  id: string;
  usedAt: number;
}

export interface SessionStoreOptions {
  /** How long after a change the file is written; changes in between share the write. Default 1 s. */
  flushMs?: number;
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
 * (agent, conversation) → OpenCode session id and when it was last used, persisted as JSON so
 * a restart continues the same session. Writes are coalesced: a change is written within
 * `flushMs`, together with every other change made meanwhile, and `flush` writes at once (on
 * close). A crash loses at most the last `flushMs` of new sessions: those conversations start
 * a fresh session after the restart.
 */
export class SessionStore {
  readonly #file: string;
  readonly #flushMs: number;
  readonly #now: () => number;
  #data: Record<string, Record<string, Entry>> = {};
  #loaded: Promise<void> | undefined;
  readonly #writing = new PQueue({ concurrency: 1 });
  #timer: NodeJS.Timeout | undefined;
  #dirty = false;

  constructor(file: string, options: SessionStoreOptions = {}) {
    this.#file = file;
    this.#flushMs = options.flushMs ?? 1000;
    this.#now = options.now ?? Date.now;
  }

  /** Reads the file once; a broken file is set aside as empty rather than failing every prompt. */
  load(): Promise<void> {
    this.#loaded ??= readJson(this.#file)
      .then((raw) => {
        const parsed = fileSchema.safeParse(raw);
        if (!parsed.success) return;
        if (parsed.data.version === 2) {
          this.#data = parsed.data.sessions;
          return;
        }
        const now = this.#now();
        for (const [agent, byConversation] of Object.entries(parsed.data.sessions)) {
          this.#data[agent] = Object.fromEntries(Object.entries(byConversation).map(([c, id]) => [c, { id, usedAt: now }]));
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

  /** Writes pending changes now and waits for every write. */
  async flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#dirty) await this.#save();
    await this.#writing.onIdle();
  }

  #changed(): void {
    this.#dirty = true;
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#save().catch(() => undefined);
    }, this.#flushMs);
    this.#timer.unref();
  }

  /** Serialized; each write takes the state as it is when it runs. */
  #save(): Promise<void> {
    return this.#writing.add(async () => {
      if (!this.#dirty) return;
      this.#dirty = false;
      try {
        await writeFileAtomic(this.#file, `${JSON.stringify({ version: 2, sessions: this.#data }, null, 2)}\n`, 0o600);
      } catch (err) {
        this.#dirty = true;
        throw err;
      }
    });
  }
}
