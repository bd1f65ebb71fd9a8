import type { Message } from "discord.js";
import { hasCode } from "../errors.js";
import type { Logger } from "../log/index.js";
import { containsToken, redactCredentials } from "../log/index.js";
import type { SharedMessages } from "./shared-messages.js";
import { conversationKey, governedAuthor, loadHistory, mentionedBotIds, toContextUser } from "./message-reader.js";
import type { RunningBot } from "./bot-manager.js";
import { BoundedSet } from "./bounded-set.js";
import { AutoThreads, type Place } from "./auto-thread.js";
import { DEFAULT_ATTACHMENT_LIMITS, prepareAttachments, type AttachmentLimits, type PromptFile } from "./attachments.js";
import { formatMessageContext } from "./context.js";
import type { BotDirectory } from "./directory.js";
import type { ChannelGovernor } from "./governor.js";
import { BRAIN_ERROR_CODES, type AgentBrain, type BrainErrorCode, type ReplyButtons } from "./ports.js";
import { Outbox, type Delivery } from "./outbox.js";
import { outgoingText, postText } from "./post.js";
import { decideRoute } from "./routing.js";
import { isStopCommand } from "./stop-words.js";
import { turnOrigin } from "./turn-origin.js";
import { splitForDiscord } from "./split.js";
import type { Turn, TurnTracker } from "./turns.js";
import type { NoteBoard } from "./notes.js";
import { addressEach, othersToPing, toPending, type AcceptedMention } from "./batch.js";
import { MentionInbox } from "./inbox.js";
import { LastSeenFile, type LastSeenStore } from "./last-seen.js";
import { PendingMentionsFile } from "./pending-mentions.js";
import { resumeBot, type ResumeSettings } from "./resume.js";
import { keepTyping, walkKey } from "./typing.js";
import { SystemVoice } from "./system-voice.js";
import { ChannelStops } from "./stops.js";

export interface ConversationOptions {
  brain: AgentBrain;
  /** Guild messages the clients' discord.js skipped, read for the history (shared-messages.ts). */
  shared?: SharedMessages;
  governor: ChannelGovernor;
  directory: BotDirectory;
  turns: TurnTracker;
  logger: Logger;
  /** Runs first for every message that reaches a bot; true = handled (token intake). */
  intercept?: (bot: RunningBot, message: Message) => Promise<boolean>;
  /** Notices to put in front of an agent's next prompt in a conversation. */
  notes?: NoteBoard;
  /** Where replies are posted, in order per channel and kept through a Discord outage (default: a 10-minute window). */
  outbox?: Outbox;
  now?: () => number;
  /** Mentions that may wait per conversation while the bot answers (default 100); beyond it the person is asked to try again. */
  waitingLimit?: number;
  /** Who says the system's lines (pause notices, stop acknowledgements): BoBB where it is, else the bot as subtext. */
  system?: SystemVoice;
  /** Guilds where a bot mentioned in a channel answers in a new thread made from the message (BOBB_AUTO_THREAD; default none). */
  autoThread?: (guildId: string) => boolean;
  /** Size caps and the download timeout for a message's images and text files (default: 100 KB text, 5 MB images, 10 s). */
  attachments?: AttachmentLimits;
  /** Keeps pending mentions and last seen messages across restarts (app.ts; tests may leave it out). */
  resume?: ResumeSettings & { dataDir: string; lastSeen?: LastSeenStore | undefined };
  /**
   * Buttons the supervisor puts under a turn's reply, decided from the turn (e.g. "Submit token"
   * for a bot created in it), with the line that carries them when the turn posts no reply.
   */
  replyButtons?: (turn: Turn) => ReplyButtons | undefined;
}

const SEEN_LIMIT = 5_000;
/** Mentions one turn answers together at most; more wait for the next turn. */
const BATCH_MAX = 20;
/** Channels per bot whose history was fetched once; a forgotten one is fetched again. */
const FETCHED_LIMIT = 5_000;

/** The walk of one message (ARCHITECTURE §3): stop words, routing, context, prompt, reply. */
export class Conversations {
  /** Messages already fed to the governor: every bot client sees each message once. */
  readonly #seen = new Set<string>();
  readonly #historyFetched = new Map<string, BoundedSet>();
  /** (bot, message) pairs already walked: a message read again after a restart is not answered twice. */
  readonly #walked = new Set<string>();
  readonly #resumed = new Set<string>();
  /** Lease mode: the bot's clients already resumed (a bot may leave this host and come back). */
  readonly #resumedClients = new WeakSet<object>();
  readonly #running = new Set<Turn>();
  readonly #inbox: MentionInbox<AcceptedMention>;
  readonly #files: { pending: PendingMentionsFile; lastSeen: LastSeenStore } | undefined;
  readonly #log: Logger;
  readonly #now: () => number;
  #closed = false;
  readonly #outbox: Outbox;
  readonly #system: SystemVoice;
  readonly #stops: ChannelStops;
  readonly #threads: AutoThreads;

  constructor(private readonly options: ConversationOptions) {
    this.#log = options.logger.child({ component: "conversation" });
    this.#threads = new AutoThreads(options.autoThread ?? (() => false), (id) => options.directory.byUserId(id)?.name, this.#log);
    this.#now = options.now ?? Date.now;
    this.#inbox = new MentionInbox<AcceptedMention>({
      waitingLimit: options.waitingLimit ?? 100,
      batchMax: BATCH_MAX,
      run: (batch) => this.#answer(batch),
      onError: (err) => this.#log.error({ err }, "turn failed"),
      onChange: () => this.#files?.pending.changed(),
    });
    const dataDir = options.resume?.dataDir;
    this.#files = dataDir
      ? {
          pending: new PendingMentionsFile(dataDir, () => this.#inbox.pending().map(toPending), this.#log),
          lastSeen: options.resume?.lastSeen ?? new LastSeenFile(dataDir, this.#log),
        }
      : undefined;
    this.#files?.lastSeen.holdBack?.(() => this.#inbox.pending().map(toPending));
    this.#outbox = options.outbox ?? new Outbox({ logger: options.logger, windowMs: 600_000 });
    this.#system = options.system ?? new SystemVoice();
    this.#stops = new ChannelStops({ ...options, inbox: this.#inbox, system: this.#system, logger: this.#log });
  }

  /** Reads what the last run left (pending mentions, last seen messages); before any bot comes online. */
  async open(): Promise<void> {
    await Promise.all([this.#files?.pending.load(), this.#files?.lastSeen.load()]);
  }

  /** A bot is online: answer what it left pending and what it missed while down (once per bot and process). */
  async resume(bot: RunningBot): Promise<void> {
    const settings = this.options.resume;
    if (!settings || !this.#files || this.#closed) return;
    if (this.#files.lastSeen.resumeEachStart) {
      // Lease mode: each start of the bot here follows a stretch on another host (or none).
      if (this.#resumedClients.has(bot.client)) return;
      this.#resumedClients.add(bot.client);
    } else {
      if (this.#resumed.has(bot.spec.agentId)) return;
      this.#resumed.add(bot.spec.agentId);
    }
    await resumeBot(bot, {
      windowMs: settings.windowMs,
      missedLimit: settings.missedLimit,
      ...this.#files,
      now: this.#now,
      logger: this.#log,
      walked: (m) => this.#walked.has(walkKey(bot, m)),
      handle: (m) => this.handle(bot, m),
      accept: (m) => void (this.#firstWalk(bot, m) && this.#accept(bot, m, Date.now())),
    });
  }

  /**
   * Shutdown (before the bots log out): stop accepting, write what is pending, then abort the
   * turns in flight, so each mention is either answered now or after the restart, not both.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#inbox.close();
    const pending = this.#inbox.pending().length;
    if (pending > 0) this.#log.info({ count: pending }, "mentions kept for after the restart");
    // The file's content is taken now, synchronously; the aborts (the bridge stops each prompt on its server) follow.
    const written = Promise.all([this.#files?.pending.close(), this.#files?.lastSeen.close()]);
    for (const turn of this.#running) turn.controller.abort(new Error("shutting down"));
    await written;
  }

  /** The bot stopped on this host (its lease is gone): another host carries on from its last seen messages. */
  stopped(agentId: string): void {
    this.#files?.lastSeen.forget?.(agentId);
  }

  /** A guild message reached the bot but its discord.js skipped it (not about this bot): it still counts as seen. */
  seen(agentId: string, channelId: string, messageId: string): void {
    if (!this.#closed) this.#files?.lastSeen.record(agentId, channelId, messageId);
  }

  /** Handles one message as seen by one bot. */
  async handle(bot: RunningBot, message: Message): Promise<void> {
    if (this.#closed) return;
    const received = Date.now();
    const { governor, directory } = this.options;
    this.#files?.lastSeen.record(bot.spec.agentId, message.channelId, message.id);
    if (!this.#firstWalk(bot, message)) return;
    const fromBot = message.author.bot || message.webhookId !== null;
    const stop = !fromBot && isStopCommand(message.content);
    if (this.#firstSighting(message.id) && message.guildId) {
      governor.observe({
        channelId: message.channelId,
        authorId: governedAuthor(message),
        isBot: fromBot,
        mentionedBotIds: mentionedBotIds(message.content, directory),
        isStopCommand: stop,
        messageId: message.id,
        ...(message.reference?.messageId ? { replyToId: message.reference.messageId } : {}),
      });
    }
    if (message.author.id === bot.client.user.id) return;
    if (stop) return this.#stops.byMessage(message);
    if (this.options.intercept && (await this.options.intercept(bot, message))) return;
    // A token-shaped string never goes to a model; BoBB's intake deals with it.
    if (containsToken(message.content)) return;
    let notice: string | undefined;
    const route = decideRoute({
      selfId: bot.client.user.id,
      authorId: message.author.id,
      authorIsBot: message.author.bot,
      isWebhook: message.webhookId !== null,
      isSystem: message.system,
      isDm: message.guildId === null,
      content: message.content,
      allowBotTurn: () => {
        const verdict = governor.allowBotTurn({ channelId: message.channelId, fromBotId: governedAuthor(message), toBotId: bot.client.user.id });
        if (!verdict.allowed) notice = verdict.notice;
        return verdict.allowed;
      },
    });
    if (notice && message.channel.isSendable()) {
      await this.#system.notice(message.channel, notice).catch((err: unknown) => this.#log.warn({ err }, "could not post the pause notice"));
    }
    if (route.action !== "answer") return;
    this.#accept(bot, message, received);
  }

  /** Puts an accepted mention in the bot's inbox: answered now, or together with the next turn. */
  #accept(bot: RunningBot, message: Message, received: number): void {
    // Written again with the mention pending (lease mode keeps the position before it until it is answered).
    this.#files?.lastSeen.record(bot.spec.agentId, message.channelId, message.id);
    const item: AcceptedMention = {
      agentId: bot.spec.agentId,
      conversation: conversationKey(message),
      channelId: message.channelId,
      messageId: message.id,
      bot,
      message,
      received,
    };
    if (this.#inbox.accept(item) !== "full") return;
    // Far past what one turn can answer: a person is asked to come back (not an error of ours).
    this.#log.info({ agent: bot.spec.agentId, channel: message.channelId, message: message.id }, "too many mentions waiting; asked to try again");
    if (message.channel.isSendable()) void postText(message.channel, FAILURE_TEXT.BUSY!, { replyTo: message.id }).catch(() => undefined);
  }

  #firstWalk(bot: RunningBot, message: Message): boolean {
    const key = walkKey(bot, message);
    if (this.#walked.has(key)) return false;
    this.#walked.add(key);
    if (this.#walked.size > SEEN_LIMIT) this.#walked.delete(this.#walked.values().next().value!);
    return true;
  }

  #firstSighting(id: string): boolean {
    if (this.#seen.has(id)) return false;
    this.#seen.add(id);
    if (this.#seen.size > SEEN_LIMIT) this.#seen.delete(this.#seen.values().next().value!);
    return true;
  }

  /**
   * The stop path as a command (`/stop`): stops every bot in a channel as a person's stop word
   * does (see `ChannelStops.stopChannel`); returns the agents whose turns were cut off.
   */
  stopChannel(channelId: string, who: string, options: { dm?: boolean } = {}): Promise<string[]> {
    return this.#stops.stopChannel(channelId, who, options);
  }

  /** One turn: answers the batch (oldest first) with one reply to the newest message, addressing each person. */
  async #answer(batch: AcceptedMention[]): Promise<void> {
    const began = Date.now();
    const { bot, message, received } = batch.at(-1)!;
    const agentId = bot.spec.agentId;
    // Auto-thread: the answer (and the conversation from here on) goes into a thread made from the message.
    const place = await this.#threads.placeFor(message);
    const { channel } = place;
    const origin = await turnOrigin(message);
    const turn = this.options.turns.begin(agentId, place.channelId, { ...origin, conversationKey: place.conversation });
    this.#running.add(turn);
    const { signal } = turn.controller;
    const typing = keepTyping(channel, signal);
    const log = this.#log.child({ agent: agentId, channel: place.channelId });
    const pings = othersToPing(
      batch.map((m) => m.message),
      bot.client.user.id,
    );
    // One answer per (bot, message): a prompt sent again after OpenCode died, or a message seen twice, never posts twice.
    const key = `${agentId}:${message.id}`;
    try {
      const { prompt, files } = await this.#context(
        bot,
        message,
        place,
        batch.slice(0, -1).map((m) => m.message),
        signal,
      );
      if (signal.aborted) return;
      const asked = Date.now();
      // Tools the turn used are not needed here (send_message marks the turn itself): skip that lookup.
      const result = await this.options.brain.prompt(agentId, place.conversation, prompt, {
        signal,
        usedTools: false,
        messageId: message.id,
        turnId: turn.id,
        files,
        canRetry: () => !turn.sentViaTool && !this.#outbox.answered(key),
      });
      if (signal.aborted) return;
      const buttons = this.options.replyButtons?.(turn);
      if (turn.sentViaTool || result.text.trim() === "") {
        if (buttons) await this.#outbox.post({ channel, text: buttons.text, replyTo: message.id, components: buttons.components, key: `${key}:buttons` });
        return;
      }
      const answered = Date.now();
      typing.stop(); // the reply may wait out a Discord outage in the outbox: no typing meanwhile
      const delivery = await this.#reply(bot, message, place, turn, result.text, pings, key, buttons);
      if (delivery.status !== "posted") return;
      // One line per reply with where the time went (operators, `npm run bench`).
      log.info(
        {
          message: message.id,
          batch: batch.length,
          gatewayMs: received - message.createdTimestamp,
          routeMs: began - received,
          contextMs: asked - began,
          opencodeMs: answered - asked,
          postMs: Date.now() - answered,
        },
        "replied",
      );
    } catch (err) {
      if (signal.aborted) return;
      log.error({ err }, "could not answer");
      const text = addressEach(userFacingError(err), pings);
      await this.#outbox
        .post({ channel, text, replyTo: place.movedToThread ? undefined : message.id, mentionIds: pings, stillWanted: () => !signal.aborted, key })
        .catch(() => undefined);
    } finally {
      typing.stop();
      this.#running.delete(turn);
      this.options.turns.end(turn);
    }
  }

  async #context(bot: RunningBot, message: Message, place: Place, waiting: Message[], signal: AbortSignal): Promise<{ prompt: string; files: PromptFile[] }> {
    const { directory } = this.options;
    let fetched = this.#historyFetched.get(bot.spec.agentId);
    if (!fetched) this.#historyFetched.set(bot.spec.agentId, (fetched = new BoundedSet(FETCHED_LIMIT)));
    const [history, attached] = await Promise.all([
      loadHistory(message, directory, fetched, this.options.shared),
      prepareAttachments(
        message.attachments.map((a) => ({ name: a.name, size: a.size, contentType: a.contentType, url: a.url })),
        this.options.attachments ?? DEFAULT_ATTACHMENT_LIMITS,
        { signal },
      ),
    ]);
    const users = new Map<string, string>();
    for (const b of directory.all()) users.set(b.userId!, b.name);
    const text = formatMessageContext({
      self: { id: bot.client.user.id, name: bot.spec.name, tag: bot.client.user.tag },
      channel: { id: place.channelId, isDm: message.guildId === null },
      message: {
        id: message.id,
        content: message.content,
        author: toContextUser(message.author, directory, message.member?.displayName),
        attachments: attached.listed,
      },
      history,
      waiting: waiting.map((m) => ({
        id: m.id,
        content: m.content,
        at: m.createdTimestamp,
        author: toContextUser(m.author, directory, m.member?.displayName),
      })),
      now: this.#now(),
      names: { users },
    });
    const notes = this.options.notes?.take(bot.spec.agentId, place.conversation) ?? [];
    // Defence in depth: history may hold a token someone pasted before intake deleted it, or any server's credential.
    return { prompt: redactCredentials([...notes, text].join("\n\n")), files: attached.files };
  }

  /** Posts the final text within the turn's post limit (send_message posts count too); the rest is cut with "…". */
  #reply(bot: RunningBot, message: Message, place: Place, turn: Turn, text: string, pings: string[], key: string, buttons?: ReplyButtons): Promise<Delivery> {
    const names = this.options.directory.namesFor(bot.client);
    const body = addressEach(outgoingText(text, names, new Set(pings)), pings);
    const maxParts = this.options.turns.reservePosts(turn, splitForDiscord(body).length);
    // The buttons are the supervisor's: with no room left for the text, they come on their own line.
    if (maxParts === 0 && buttons)
      return this.#outbox.post({
        channel: place.channel,
        text: buttons.text,
        replyTo: place.movedToThread ? undefined : message.id,
        components: buttons.components,
        key,
      });
    return this.#outbox.post({
      components: buttons?.components,
      channel: place.channel,
      text: body,
      maxParts,
      // A thread made from the message starts with it: no reply quote across channels.
      replyTo: place.movedToThread ? undefined : message.id,
      mentionIds: pings,
      stillWanted: () => !turn.controller.signal.aborted,
      key,
    });
  }
}

/** What a person reads when a prompt failed; codes without their own text get the general one. */
const FAILURE_TEXT: Partial<Record<BrainErrorCode, string>> = {
  BUSY: "I'm still working through earlier messages here. Try again in a moment.",
  TIMEOUT: "Sorry, I took too long to think about that. Please try again.",
};

function userFacingError(err: unknown): string {
  return (hasCode(err, BRAIN_ERROR_CODES) ? FAILURE_TEXT[err.code] : undefined) ?? "Sorry, something went wrong on my side and I could not answer.";
}
