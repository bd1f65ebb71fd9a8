import type { Message, SendableChannels } from "discord.js";
import { hasCode } from "../errors.js";
import type { Logger } from "../log/index.js";
import { containsToken, redactTokens } from "../log/index.js";
import { conversationKey, loadHistory, mentionedBotIds, toContextUser } from "./message-reader.js";
import type { RunningBot } from "./bot-manager.js";
import { BoundedSet } from "./bounded-set.js";
import { formatMessageContext } from "./context.js";
import type { BotDirectory } from "./directory.js";
import type { ChannelGovernor } from "./governor.js";
import { BRAIN_ERROR_CODES, type AgentBrain, type BrainErrorCode } from "./ports.js";
import { outgoingText, postText } from "./post.js";
import { decideRoute } from "./routing.js";
import { isStopCommand } from "./stop-words.js";
import type { Turn, TurnTracker } from "./turns.js";
import type { NoteBoard } from "./notes.js";

export interface ConversationOptions {
  brain: AgentBrain;
  governor: ChannelGovernor;
  directory: BotDirectory;
  turns: TurnTracker;
  logger: Logger;
  /** Runs first for every message that reaches a bot; true = handled (token intake). */
  intercept?: (bot: RunningBot, message: Message) => Promise<boolean>;
  /** Notices to put in front of an agent's next prompt in a conversation. */
  notes?: NoteBoard;
  now?: () => number;
}

const TYPING_EVERY_MS = 8_000;
const SEEN_LIMIT = 5_000;
/** Channels per bot whose history was fetched once; a forgotten one is fetched again. */
const FETCHED_LIMIT = 5_000;

/** The walk of one message (ARCHITECTURE §3): stop words, routing, context, prompt, reply. */
export class Conversations {
  /** Messages already fed to the governor: every bot client sees each message once. */
  readonly #seen = new Set<string>();
  readonly #historyFetched = new Map<string, BoundedSet>();
  readonly #log: Logger;
  readonly #now: () => number;

  constructor(private readonly options: ConversationOptions) {
    this.#log = options.logger.child({ component: "conversation" });
    this.#now = options.now ?? Date.now;
  }

  /** Handles one message as seen by one bot. */
  async handle(bot: RunningBot, message: Message): Promise<void> {
    const received = Date.now();
    const { governor, directory } = this.options;
    const fromBot = message.author.bot || message.webhookId !== null;
    const stop = !fromBot && isStopCommand(message.content);
    if (this.#firstSighting(message.id) && message.guildId) {
      governor.observe({
        channelId: message.channelId,
        authorId: message.author.id,
        isBot: fromBot,
        mentionedBotIds: mentionedBotIds(message.content, directory),
        isStopCommand: stop,
      });
    }
    if (message.author.id === bot.client.user.id) return;
    if (stop) return this.#stop(message.channelId, conversationKey(message));
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
        const verdict = governor.allowBotTurn({ channelId: message.channelId, fromBotId: message.author.id, toBotId: bot.client.user.id });
        if (!verdict.allowed) notice = verdict.notice;
        return verdict.allowed;
      },
    });
    if (notice && message.channel.isSendable()) await postText(message.channel, notice).catch(() => undefined);
    if (route.action !== "answer") return;
    await this.#answer(bot, message, received);
  }

  #firstSighting(id: string): boolean {
    if (this.#seen.has(id)) return false;
    this.#seen.add(id);
    if (this.#seen.size > SEEN_LIMIT) this.#seen.delete(this.#seen.values().next().value!);
    return true;
  }

  async #stop(channelId: string, key: string): Promise<void> {
    const agents = this.options.turns.stopChannel(channelId);
    if (agents.length === 0) return;
    this.#log.info({ channel: channelId, agents }, "stop word: aborting every bot in the channel");
    await Promise.all(agents.map((a) => this.options.brain.abort(a, key).catch(() => undefined)));
  }

  async #answer(bot: RunningBot, message: Message, received: number): Promise<void> {
    const began = Date.now();
    const agentId = bot.spec.agentId;
    const channel = message.channel as SendableChannels;
    const turn = this.options.turns.begin(agentId, message.channelId);
    const { signal } = turn.controller;
    const typing = keepTyping(channel, signal);
    const log = this.#log.child({ agent: agentId, channel: message.channelId });
    try {
      const prompt = await this.#context(bot, message);
      if (signal.aborted) return;
      const asked = Date.now();
      // Tools the turn used are not needed here (send_message marks the turn itself): skip that lookup.
      const result = await this.options.brain.prompt(agentId, conversationKey(message), prompt, { signal, usedTools: false });
      if (signal.aborted || turn.sentViaTool || result.text.trim() === "") return;
      const answered = Date.now();
      await this.#reply(bot, message, turn, result.text);
      // One line per reply with where the time went (operators, `npm run bench`).
      log.info(
        {
          message: message.id,
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
      const text = userFacingError(err);
      await postText(channel, text, { replyTo: message.id, stillWanted: () => !signal.aborted }).catch(() => undefined);
    } finally {
      typing.stop();
      this.options.turns.end(turn);
    }
  }

  async #context(bot: RunningBot, message: Message): Promise<string> {
    const { directory } = this.options;
    let fetched = this.#historyFetched.get(bot.spec.agentId);
    if (!fetched) this.#historyFetched.set(bot.spec.agentId, (fetched = new BoundedSet(FETCHED_LIMIT)));
    const history = await loadHistory(message, directory, fetched);
    const users = new Map<string, string>();
    for (const b of directory.all()) users.set(b.userId!, b.name);
    const text = formatMessageContext({
      self: { id: bot.client.user.id, name: bot.spec.name, tag: bot.client.user.tag },
      channel: { id: message.channelId, isDm: message.guildId === null },
      message: { id: message.id, content: message.content, author: toContextUser(message.author, directory, message.member?.displayName) },
      history,
      now: this.#now(),
      names: { users },
    });
    const notes = this.options.notes?.take(bot.spec.agentId, conversationKey(message)) ?? [];
    // Defence in depth: history may hold a token someone pasted before intake deleted it.
    return redactTokens([...notes, text].join("\n\n"));
  }

  async #reply(bot: RunningBot, message: Message, turn: Turn, text: string): Promise<void> {
    await postText(message.channel as SendableChannels, outgoingText(text, this.options.directory.namesFor(bot.client)), {
      replyTo: message.id,
      stillWanted: () => !turn.controller.signal.aborted,
    });
  }
}

function keepTyping(channel: SendableChannels, signal: AbortSignal): { stop(): void } {
  const send = () => void channel.sendTyping().catch(() => undefined);
  send();
  const timer = setInterval(send, TYPING_EVERY_MS);
  const stop = () => clearInterval(timer);
  signal.addEventListener("abort", stop, { once: true });
  return { stop };
}

/** What a person reads when a prompt failed; codes without their own text get the general one. */
const FAILURE_TEXT: Partial<Record<BrainErrorCode, string>> = {
  BUSY: "I'm still working through earlier messages here. Try again in a moment.",
  TIMEOUT: "Sorry, I took too long to think about that. Please try again.",
};

function userFacingError(err: unknown): string {
  return (hasCode(err, BRAIN_ERROR_CODES) ? FAILURE_TEXT[err.code] : undefined) ?? "Sorry, something went wrong on my side and I could not answer.";
}
