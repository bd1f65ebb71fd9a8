import path from "node:path";
import { z } from "zod";
import type { Logger } from "../log/index.js";
import { StateFile } from "./state-file.js";

/**
 * A mention a bot accepted (intake, token check and routing done) and had not answered yet. Only ids
 * and times are kept, never the text: after a restart the message is read again from Discord, so the
 * file cannot hold anything a person typed (a token included).
 */
export interface PendingMention {
  agent: string;
  channel: string;
  message: string;
  /** When the message was created (epoch ms). */
  at: number;
}

const snowflake = z.string().regex(/^\d{1,20}$/);
const fileSchema = z.object({
  version: z.literal(1),
  mentions: z.array(z.object({ agent: z.string().min(1).max(64), channel: snowflake, message: snowflake, at: z.number() })).max(10_000),
});

/** data/pending-mentions.json: what was waiting at the last shutdown, handed to each bot when it is back online. */
export class PendingMentionsFile {
  readonly #file: StateFile<z.infer<typeof fileSchema>>;
  /** Loaded from the last run and not yet taken by a bot that came online (kept in the file until then). */
  readonly #left = new Map<string, PendingMention[]>();

  constructor(dataDir: string, live: () => PendingMention[], logger: Logger) {
    this.#file = new StateFile(
      path.join(dataDir, "pending-mentions.json"),
      fileSchema,
      () => ({ version: 1, mentions: [...this.#leftOver(), ...live()] }),
      logger,
    );
  }

  async load(): Promise<void> {
    const state = await this.#file.read();
    for (const m of state?.mentions ?? []) this.#left.set(m.agent, [...(this.#left.get(m.agent) ?? []), m]);
  }

  /** The agent's mentions from the last run (once: they become the live state's). */
  take(agentId: string): PendingMention[] {
    const list = this.#left.get(agentId) ?? [];
    this.#left.delete(agentId);
    return list;
  }

  changed(): void {
    this.#file.schedule();
  }

  close(): Promise<void> {
    return this.#file.close();
  }

  #leftOver(): PendingMention[] {
    return [...this.#left.values()].flat();
  }
}
