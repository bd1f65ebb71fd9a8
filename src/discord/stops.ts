import type { Message } from "discord.js";
import type { Logger } from "../log/index.js";
import { BoundedSet } from "./bounded-set.js";
import type { ChannelGovernor } from "./governor.js";
import { conversationKey } from "./message-reader.js";
import type { AgentBrain } from "./ports.js";
import type { SystemVoice } from "./system-voice.js";
import type { TurnTracker } from "./turns.js";

export interface ChannelStopsOptions {
  brain: AgentBrain;
  governor: ChannelGovernor;
  turns: TurnTracker;
  /** The mentions waiting for an answer, per channel. */
  inbox: { dropChannel(channelId: string): unknown };
  system: SystemVoice;
  logger: Logger;
}

/** Stop messages remembered as acknowledged. */
const ACKNOWLEDGED_LIMIT = 5_000;

/** Stopping every bot in a channel: by a person's stop word (acknowledged once) or by the `/stop` command. */
export class ChannelStops {
  /** Stop messages already acknowledged: every bot in the channel sees the same one. */
  readonly #acknowledged = new BoundedSet(ACKNOWLEDGED_LIMIT);

  constructor(private readonly options: ChannelStopsOptions) {}

  /** A person's stop word, as one bot sees it (the governor has observed it already): everything stops, and it is acknowledged once. */
  async byMessage(message: Message): Promise<void> {
    const first = !this.#acknowledged.has(message.id);
    if (first) this.#acknowledged.add(message.id);
    await Promise.all([
      this.#halt(message.channelId, conversationKey(message)),
      first ? this.options.system.stopped(message).catch((err: unknown) => this.options.logger.warn({ err }, "could not acknowledge a stop")) : undefined,
    ]);
  }

  /**
   * Stops every bot in a channel as a person's stop word does: closes it to bot-to-bot turns
   * until a person next mentions a bot, drops the mentions waiting there and aborts the turns in
   * flight. `who` is the person; `dm` when the channel is their DM with a bot. Returns the agents
   * whose turns were cut off. Acknowledging it is the caller's (the command's answer).
   */
  async stopChannel(channelId: string, who: string, options: { dm?: boolean } = {}): Promise<string[]> {
    if (!options.dm) this.options.governor.observe({ channelId, authorId: who, isBot: false, mentionedBotIds: [], isStopCommand: true });
    return this.#halt(channelId, options.dm ? `dm-${who}` : channelId);
  }

  async #halt(channelId: string, key: string): Promise<string[]> {
    this.options.inbox.dropChannel(channelId);
    const agents = this.options.turns.stopChannel(channelId);
    if (agents.length === 0) return agents;
    this.options.logger.info({ channel: channelId, agents }, "stop: aborting every bot in the channel");
    await Promise.all(agents.map((a) => this.options.brain.abort(a, key).catch(() => undefined)));
    return agents;
  }
}
