import path from "node:path";
import { z } from "zod";
import type { Logger } from "../log/index.js";
import { StateFile } from "./state-file.js";

const CHANNELS_PER_AGENT = 500;
const snowflake = z.string().regex(/^\d{1,20}$/);
const fileSchema = z.object({ version: z.literal(1), agents: z.record(z.string(), z.record(snowflake, snowflake)) });

/** Where a bot's newest seen message per channel is kept: data/last-seen.json, or PostgreSQL with several hosts. */
export interface LastSeenStore {
  /** True: read at every start of a bot (it may have run on another host meanwhile); else once per process. */
  readonly resumeEachStart?: boolean;
  load(): Promise<void>;
  /** The channels the agent was in when it last ran, with the newest message it saw in each. */
  atStart(agentId: string): ReadonlyMap<string, string> | Promise<ReadonlyMap<string, string>>;
  record(agentId: string, channelId: string, messageId: string): void;
  /** The bot stopped here (lease lost): its next start reads the positions again. */
  forget?(agentId: string): void;
  /** Lease mode: the mentions accepted and not answered yet, which the position must stay before. */
  holdBack?(pending: () => ReadonlyArray<{ agent: string; channel: string; message: string }>): void;
  close(): Promise<void>;
}

/** data/last-seen.json: per bot, the newest message id it saw in each channel, so a restart can read what it missed. */
export class LastSeenFile implements LastSeenStore {
  readonly #file: StateFile<z.infer<typeof fileSchema>>;
  readonly #seen = new Map<string, Map<string, string>>();
  /** As the last run left it: where each bot's reading of missed messages starts. */
  readonly #atStart = new Map<string, ReadonlyMap<string, string>>();

  constructor(dataDir: string, logger: Logger) {
    this.#file = new StateFile(
      path.join(dataDir, "last-seen.json"),
      fileSchema,
      () => ({ version: 1, agents: Object.fromEntries([...this.#seen].map(([agent, channels]) => [agent, Object.fromEntries(channels)])) }),
      logger,
    );
  }

  async load(): Promise<void> {
    const state = await this.#file.read();
    for (const [agent, channels] of Object.entries(state?.agents ?? {})) {
      this.#seen.set(agent, new Map(Object.entries(channels)));
      this.#atStart.set(agent, new Map(Object.entries(channels)));
    }
  }

  /** The channels the agent was in at the last run, with the newest message it saw in each. */
  atStart(agentId: string): ReadonlyMap<string, string> {
    return this.#atStart.get(agentId) ?? new Map();
  }

  /** Notes that the agent saw this message (kept when it is newer than the one recorded). */
  record(agentId: string, channelId: string, messageId: string): void {
    let channels = this.#seen.get(agentId);
    if (!channels) this.#seen.set(agentId, (channels = new Map()));
    const known = channels.get(channelId);
    if (known !== undefined && !newer(messageId, known)) return;
    channels.delete(channelId);
    channels.set(channelId, messageId);
    // The channels least recently active go first.
    if (channels.size > CHANNELS_PER_AGENT) channels.delete(channels.keys().next().value!);
    this.#file.schedule();
  }

  close(): Promise<void> {
    return this.#file.close();
  }
}

/** Snowflakes are decimal without leading zeros: the longer one is newer, else the greater text (no BigInt per message). */
function newer(id: string, than: string): boolean {
  return id.length !== than.length ? id.length > than.length : id > than;
}
