/** One accepted mention as the inbox keeps it. */
export interface InboxItem {
  agentId: string;
  /** Session key: the channel in a guild, the person in a DM. */
  conversation: string;
  channelId: string;
  messageId: string;
}

export interface InboxOptions<T extends InboxItem> {
  /** Mentions that may wait per conversation while one turn runs; beyond it `accept` says "full". */
  waitingLimit: number;
  /** At most this many mentions answered by one turn; the rest wait for the next one. */
  batchMax: number;
  /** Answers a batch (oldest first); the next batch starts when it settles. */
  run: (batch: T[]) => Promise<void>;
  onError: (err: unknown) => void;
  /** Called whenever what is pending changed (the pending-mentions file follows). */
  onChange?: () => void;
}

interface Lane<T> {
  running: T[];
  waiting: T[];
}

/**
 * Mentions waiting for a bot, per (bot, conversation): one turn at a time, and the mentions that came
 * in meanwhile are answered together by the next turn, instead of being refused (issue 20, item 5).
 */
export class MentionInbox<T extends InboxItem> {
  readonly #lanes = new Map<string, Lane<T>>();
  #closed = false;

  constructor(private readonly o: InboxOptions<T>) {}

  /** Takes a mention: answered now, or with the next turn of its conversation; "full" past the waiting limit. */
  accept(item: T): "started" | "waiting" | "full" {
    const key = laneKey(item.agentId, item.conversation);
    let lane = this.#lanes.get(key);
    if (lane && lane.waiting.length >= this.o.waitingLimit) return "full";
    if (!lane) this.#lanes.set(key, (lane = { running: [], waiting: [] }));
    lane.waiting.push(item);
    this.o.onChange?.();
    if (lane.running.length > 0 || this.#closed) return "waiting";
    void this.#drain(key, lane);
    return "started";
  }

  /** A stop word: every waiting mention in the channel is dropped (every bot); returns how many. */
  dropChannel(channelId: string): number {
    let dropped = 0;
    for (const lane of this.#lanes.values()) {
      const kept = lane.waiting.filter((m) => m.channelId !== channelId);
      dropped += lane.waiting.length - kept.length;
      lane.waiting = kept;
    }
    if (dropped > 0) this.o.onChange?.();
    return dropped;
  }

  /** Every mention accepted and not answered yet: the running batches and the waiting ones. */
  pending(): T[] {
    return [...this.#lanes.values()].flatMap((lane) => [...lane.running, ...lane.waiting]);
  }

  /** True while this bot has the message running or waiting. */
  has(agentId: string, messageId: string): boolean {
    return this.pending().some((m) => m.agentId === agentId && m.messageId === messageId);
  }

  /** No new turn starts after this; what is pending stays readable for the shutdown's last write. */
  close(): void {
    this.#closed = true;
  }

  async #drain(key: string, lane: Lane<T>): Promise<void> {
    while (!this.#closed && lane.waiting.length > 0) {
      lane.running = lane.waiting.splice(0, this.o.batchMax);
      try {
        await this.o.run(lane.running);
      } catch (err) {
        this.o.onError(err);
      }
      if (this.#closed) return;
      lane.running = [];
      this.o.onChange?.();
    }
    if (this.#lanes.get(key) === lane && lane.waiting.length === 0) this.#lanes.delete(key);
  }
}

function laneKey(agentId: string, conversation: string): string {
  return `${agentId}\u0000${conversation}`;
}
