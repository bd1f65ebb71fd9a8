/** Who started a turn and where, as Discord told the supervisor (never the model). */
export interface TurnOrigin {
  /** The (agent, conversation) session key: a channel, or `dm-<user>`. */
  conversationKey: string;
  guildId: string | null;
  messageId: string;
  authorId: string;
  authorName: string;
  /** The author has Manage Server in `guildId`. */
  authorManagesGuild: boolean;
}

/** Stops remembered at most (the oldest go first); stops older than the grace period are forgotten anyway. */
const STOPS_KEPT = 10_000;

/** One bot working on one triggering message. */
export interface Turn extends TurnOrigin {
  /** Unique per process: the bridge tags the running prompt with it, so a tool call finds its turn. */
  readonly id: string;
  readonly agentId: string;
  readonly channelId: string;
  readonly controller: AbortController;
  readonly startedAt: number;
  /** The agent already posted in this channel through send_message during this turn. */
  sentViaTool: boolean;
  /** Messages this turn posted or reserved (reply parts and send_message posts together). */
  posts: number;
}

/** Default of BOBB_TURN_POST_LIMIT: messages one turn may post. */
export const DEFAULT_TURN_POST_LIMIT = 3;

/**
 * Live turns per channel, so a stop word can abort every bot at once and a send_message
 * call can tell whether it belongs to a turn that is still allowed to speak.
 */
export class TurnTracker {
  readonly #byChannel = new Map<string, Set<Turn>>();
  readonly #byId = new Map<string, Turn>();
  readonly #stoppedAt = new Map<string, number>();
  #next = 0;

  constructor(
    private readonly now: () => number = Date.now,
    /** How long after a stop a send without a live turn is still refused (a late tool call of an aborted turn). */
    private readonly stopGraceMs = 120_000,
    /** Messages one turn may post, reply parts and send_message posts together. */
    readonly postLimit = DEFAULT_TURN_POST_LIMIT,
  ) {}

  /** Starts a turn; `origin` defaults to an unknown author (tests of the stop and silence rules). */
  begin(agentId: string, channelId: string, origin?: TurnOrigin): Turn {
    const turn: Turn = {
      conversationKey: channelId,
      guildId: null,
      messageId: "",
      authorId: "",
      authorName: "",
      authorManagesGuild: false,
      ...origin,
      id: `turn-${++this.#next}`,
      agentId,
      channelId,
      controller: new AbortController(),
      startedAt: this.now(),
      sentViaTool: false,
      posts: 0,
    };
    let set = this.#byChannel.get(channelId);
    if (!set) this.#byChannel.set(channelId, (set = new Set()));
    set.add(turn);
    this.#byId.set(turn.id, turn);
    return turn;
  }

  end(turn: Turn): void {
    const set = this.#byChannel.get(turn.channelId);
    set?.delete(turn);
    if (set?.size === 0) this.#byChannel.delete(turn.channelId);
    this.#byId.delete(turn.id);
  }

  /** The live (not ended, not stopped) turn with this id. */
  byId(id: string): Turn | undefined {
    const turn = this.#byId.get(id);
    return turn && !turn.controller.signal.aborted ? turn : undefined;
  }

  /** Reserves up to `wanted` posts for the turn; returns how many it may still make. */
  reservePosts(turn: Turn, wanted: number): number {
    const granted = Math.max(0, Math.min(wanted, this.postLimit - turn.posts));
    turn.posts += granted;
    return granted;
  }

  /** Aborts every live turn in the channel and returns the agents that had one. */
  stopChannel(channelId: string): string[] {
    this.#rememberStop(channelId);
    const turns = [...(this.#byChannel.get(channelId) ?? [])];
    this.#byChannel.delete(channelId);
    for (const turn of turns) this.#byId.delete(turn.id);
    for (const turn of turns) turn.controller.abort(new Error("stopped by a human in the channel"));
    return [...new Set(turns.map((t) => t.agentId))];
  }

  /** Channels whose stop is still remembered (for tests and metrics). */
  get stoppedChannels(): number {
    return this.#stoppedAt.size;
  }

  /** Records the stop, newest last; forgets stops past the grace period and beyond STOPS_KEPT. */
  #rememberStop(channelId: string): void {
    const now = this.now();
    this.#stoppedAt.delete(channelId);
    this.#stoppedAt.set(channelId, now);
    for (const [id, at] of this.#stoppedAt) {
      if (now - at <= this.stopGraceMs && this.#stoppedAt.size <= STOPS_KEPT) break;
      this.#stoppedAt.delete(id);
    }
  }

  /** The agent's live turns, newest first. */
  liveTurns(agentId: string): Turn[] {
    const out: Turn[] = [];
    for (const set of this.#byChannel.values()) for (const t of set) if (t.agentId === agentId && !t.controller.signal.aborted) out.push(t);
    return out.sort((a, b) => b.startedAt - a.startedAt);
  }

  /** Records a send_message post so the turn's final text is not posted twice. */
  markSent(agentId: string, channelId: string): void {
    for (const turn of this.#byChannel.get(channelId) ?? []) if (turn.agentId === agentId) turn.sentViaTool = true;
  }

  /** True when a post by this agent into the channel would come from a turn a stop word ended. */
  isSilenced(agentId: string, channelId: string): boolean {
    const stoppedAt = this.#stoppedAt.get(channelId);
    if (stoppedAt === undefined || this.now() - stoppedAt > this.stopGraceMs) return false;
    return !this.liveTurns(agentId).some((t) => t.startedAt > stoppedAt);
  }
}
