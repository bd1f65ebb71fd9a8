import PQueue from "p-queue";
import { z } from "zod";
import { writeFileAtomic } from "../fs/atomic-write.js";
import { readJson } from "./files.js";

const fileSchema = z.object({
  version: z.literal(1),
  sessions: z.record(z.string(), z.record(z.string(), z.string())),
});

/** (agent, conversation) → OpenCode session id, persisted as JSON so a restart continues the same session. */
export class SessionStore {
  readonly #file: string;
  #data: Record<string, Record<string, string>> = {};
  #loaded: Promise<void> | undefined;
  readonly #writing = new PQueue({ concurrency: 1 });

  constructor(file: string) {
    this.#file = file;
  }

  /** Reads the file once; a broken file is set aside as empty rather than failing every prompt. */
  load(): Promise<void> {
    this.#loaded ??= readJson(this.#file)
      .then((raw) => {
        const parsed = fileSchema.safeParse(raw);
        this.#data = parsed.success ? parsed.data.sessions : {};
      })
      .catch(() => {
        this.#data = {};
      });
    return this.#loaded;
  }

  async get(agentId: string, conversation: string): Promise<string | undefined> {
    await this.load();
    return this.#data[agentId]?.[conversation];
  }

  async set(agentId: string, conversation: string, sessionId: string): Promise<void> {
    await this.load();
    (this.#data[agentId] ??= {})[conversation] = sessionId;
    await this.#save();
  }

  async delete(agentId: string, conversation: string): Promise<void> {
    await this.load();
    const forAgent = this.#data[agentId];
    if (!forAgent?.[conversation]) return;
    delete forAgent[conversation];
    await this.#save();
  }

  /** Forgets every session of an agent (it was removed) and returns their ids. */
  async takeAgent(agentId: string): Promise<string[]> {
    await this.load();
    const ids = Object.values(this.#data[agentId] ?? {});
    if (!this.#data[agentId]) return ids;
    delete this.#data[agentId];
    await this.#save();
    return ids;
  }

  /** Writes are serialized: each one writes the latest state. */
  #save(): Promise<void> {
    return this.#writing.add(async () => {
      await writeFileAtomic(this.#file, `${JSON.stringify({ version: 1, sessions: this.#data }, null, 2)}\n`, 0o600);
    });
  }
}
