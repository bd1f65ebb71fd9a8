import { LRUCache } from "lru-cache";
import type { Logger } from "../log/index.js";
import { credentialWord, findTokens, redactTokens } from "../log/index.js";
import {
  agentUsingToken,
  findByName,
  pendingAgents,
  withToken,
  failedToStart,
  type Agent,
  type RegistryChange,
  type RegistryStore,
} from "../registry/index.js";
import type { NoteBoard } from "../discord/index.js";
import { IntakeError } from "./errors.js";
import type { IntakeMessage } from "./ports.js";
import { INTAKE_TEXT } from "./messages.js";
import { AttemptLimiter, hasDiscordTokenShape, looksLikeBotToken, SeenOnce } from "./token-guards.js";
import { tagOf, validateToken, type TokenCheck, type TokenCheckOptions, type TokenOwner } from "./validate-token.js";

export interface IntakeOptions {
  registry: RegistryStore;
  logger: Logger;
  /** Discord REST base used to check tokens (`GET /users/@me`). */
  apiUrl: string;
  /** The server's API version (DISCORD_API_VERSION); default 10. */
  apiVersion?: number;
  /** OAuth2 invite link for a bot user. */
  inviteUrl: (botUserId: string) => string;
  notes: NoteBoard;
  /**
   * Which token shapes the server issues: "discord" (discord.com itself) refuses any other shape
   * without a request; "any" (another Discord-compatible server) asks the server. Default "any".
   */
  tokenShapes?: "discord" | "any";
  /** Token checks (Discord calls) per person per minute; default 5. */
  checksPerMinute?: number;
  /** The Discord check; injected by tests that count calls. */
  validate?: (apiUrl: string, token: string, options: TokenCheckOptions) => Promise<TokenCheck>;
  now?: () => number;
}

interface PendingChoice {
  token: string;
  owner: TokenOwner;
  candidates: string[];
  expires: number;
}

const CHOICE_TTL_MS = 10 * 60_000;
/** How long after a token is stored a failed start is still reported in the DM (a cold start takes seconds). */
const FAILURE_WATCH_MS = 5 * 60_000;

/**
 * Token intake, in code, before any model sees the message: a token in a DM to BoBB is
 * validated, stored and the bot started; a token in a channel is deleted and never stored.
 * Storing the token is all it does to start the bot: the registry's change event reaches
 * the activation watcher.
 */
export class TokenIntake {
  /** Tokens waiting for "which bot?" answers, in memory only, per Discord user. */
  readonly #choices = new LRUCache<string, PendingChoice>({ max: 1_000 });
  readonly #log: Logger;
  readonly #checks: AttemptLimiter;
  /** Token messages in channels already dealt with: every bot that sees one calls handle. */
  readonly #exposedSeen = new SeenOnce();

  constructor(private readonly options: IntakeOptions) {
    this.#log = options.logger.child({ component: "intake" });
    this.#checks = new AttemptLimiter(options.checksPerMinute ?? 5, 60_000, options.now);
  }

  /**
   * Returns true when the message was intake's business and must go no further. Every bot's
   * messages come here: a token in a channel is dealt with by whichever bot sees it first,
   * a token DM'd to a child is answered; only BoBB's DMs are taken in.
   */
  async handle(agentId: string, message: IntakeMessage): Promise<boolean> {
    if (message.authorIsBot) return false;
    const tokens = findTokens(message.content);
    const inDm = message.inDm;
    if (tokens.length > 0 && !inDm) {
      await this.#exposed(agentId, message);
      return true;
    }
    if (!inDm) return false;
    // A DM that is one credential-shaped word (any server's token shape, a key) is never a model's to read.
    const word = credentialWord(message.content);
    if (agentId !== "bobb") {
      if (tokens.length === 0 && !word) return false;
      this.#log.warn({ agent: agentId, user: message.authorId }, "a token was sent to a child bot by DM; not stored");
      await this.#say(message, INTAKE_TEXT.notForMe);
      return true;
    }
    if (tokens.length > 0) {
      await this.#receive(message, tokens[0]!);
      return true;
    }
    // From someone with a bot waiting for its token, such a word could be that token, whatever its shape.
    if (word && (this.#pendingFor(message.authorId).length > 0 || this.#choices.has(message.authorId))) {
      await this.#receive(message, word);
      return true;
    }
    return this.#answerChoice(message);
  }

  async #exposed(agentId: string, message: IntakeMessage): Promise<void> {
    if (!this.#exposedSeen.claim(message.id)) {
      this.#log.debug({ agent: agentId, message: message.id }, "token message already handled by another bot");
      return;
    }
    const deleted = await message.delete();
    this.#log.warn({ channel: message.channelId, user: message.authorId, deleted }, "a token was posted in a guild channel; not stored");
    await message
      .send(INTAKE_TEXT.exposed(message.authorId, deleted), [message.authorId])
      .catch((err: unknown) => this.#log.error({ err }, "could not warn about an exposed token"));
  }

  async #receive(message: IntakeMessage, token: string): Promise<void> {
    this.#choices.delete(message.authorId);
    if (!this.#checks.take(message.authorId)) {
      this.#log.info({ user: message.authorId }, "token refused: too many checks in a minute");
      return this.#say(message, INTAKE_TEXT.tooMany);
    }
    const discordShaped = hasDiscordTokenShape(token);
    if (discordShaped && !looksLikeBotToken(token)) {
      this.#log.info({ user: message.authorId }, "token refused: not shaped like a bot token");
      return this.#say(message, INTAKE_TEXT.malformed);
    }
    if (!discordShaped && this.options.tokenShapes === "discord") {
      this.#log.info({ user: message.authorId }, "credential-shaped DM refused: not a Discord token; not stored");
      return this.#say(message, INTAKE_TEXT.notForThisServer);
    }
    const check = await (this.options.validate ?? validateToken)(this.options.apiUrl, token, { version: this.options.apiVersion ?? 10 });
    if (!check.ok) {
      this.#log.info({ user: message.authorId, reason: check.reason }, "token refused");
      const rejected = discordShaped ? INTAKE_TEXT.rejected : INTAKE_TEXT.notForThisServer;
      const text = check.reason === "rejected" ? rejected : check.reason === "not-a-bot" ? INTAKE_TEXT.notABot : INTAKE_TEXT.unreachable;
      await this.#say(message, text);
      return;
    }
    const registry = this.options.registry.snapshot;
    const inUse = agentUsingToken(registry, token) ?? Object.values(registry.agents).find((a) => a.discord_user_id === check.owner.id);
    if (inUse) {
      // A bot that could not log in (most often MESSAGE CONTENT INTENT left off) takes its token again, so its creator can retry.
      if (failedToStart(inUse) && (!inUse.created_by || inUse.created_by === message.authorId)) return this.#activate(message, inUse, token, check.owner);
      await this.#say(message, INTAKE_TEXT.inUse(inUse.name));
      return;
    }
    const mine = this.#pendingFor(message.authorId);
    if (mine.length === 0) return this.#say(message, INTAKE_TEXT.noPending);
    if (mine.length === 1) return this.#activate(message, mine[0]!, token, check.owner);
    const candidates = mine.map((a) => a.id);
    this.#choices.set(message.authorId, { token, owner: check.owner, candidates, expires: Date.now() + CHOICE_TTL_MS });
    await this.#say(message, INTAKE_TEXT.which(mine.map((a) => a.name)));
  }

  /** The answer to "which bot is this token for?", if one is awaited. */
  async #answerChoice(message: IntakeMessage): Promise<boolean> {
    const choice = this.#choices.get(message.authorId);
    if (!choice) return false;
    if (choice.expires < Date.now()) {
      this.#choices.delete(message.authorId);
      return false;
    }
    const answer = message.content.trim().replace(/^\*+|\*+$/g, "");
    if (/^cancel$/i.test(answer)) {
      this.#choices.delete(message.authorId);
      await this.#say(message, INTAKE_TEXT.cancelled);
      return true;
    }
    const picked = findByName(this.options.registry.snapshot, answer);
    if (!picked || !choice.candidates.includes(picked.id) || picked.status !== "pending_token") {
      const names = choice.candidates.map((id) => this.options.registry.snapshot.agents[id]?.name ?? id);
      await this.#say(message, INTAKE_TEXT.whichAgain(names));
      return true;
    }
    this.#choices.delete(message.authorId);
    await this.#activate(message, picked, choice.token, choice.owner);
    return true;
  }

  #pendingFor(userId: string): Agent[] {
    const pending = pendingAgents(this.options.registry.snapshot);
    const own = pending.filter((a) => a.created_by === userId);
    return own.length > 0 ? own : pending.filter((a) => !a.created_by);
  }

  async #activate(message: IntakeMessage, agent: Agent, token: string, owner: TokenOwner): Promise<void> {
    try {
      await this.options.registry.update((draft) => {
        const current = draft.agents[agent.id];
        if (!current) throw new IntakeError("AGENT_REMOVED", `agent ${agent.id} was removed`);
        if (agentUsingToken(draft, token, agent.id)) throw new IntakeError("TOKEN_IN_USE", "token already in use");
        draft.agents[agent.id] = { ...withToken(current, token), discord_user_id: owner.id };
      });
    } catch (err) {
      this.#log.error({ err, agent: agent.id }, "could not store a validated token");
      await this.#say(message, `I could not store the token for **${agent.name}**: ${(err as Error).message}. Nothing was changed.`);
      return;
    }
    this.#log.info({ agent: agent.id, bot_user: owner.id }, "token validated and stored; activating");
    this.options.notes.add("bobb", `dm-${message.authorId}`, INTAKE_TEXT.modelNotice(agent.id));
    this.#reportFailure(message, agent.id);
    await this.#say(message, INTAKE_TEXT.activated(agent.name, tagOf(owner), this.options.inviteUrl(owner.id)));
  }

  /** Tells the person in the DM if the bot then fails to log in: otherwise it just never comes online. */
  #reportFailure(message: IntakeMessage, agentId: string): void {
    const { registry } = this.options;
    const onChange = (change: RegistryChange) => {
      if (change.id !== agentId || change.type !== "changed") return;
      const agent = change.agent;
      if (agent.status === "active" && !agent.last_error) return stop();
      if (!agent.last_error || !change.fields.includes("last_error")) return;
      stop();
      void this.#say(message, INTAKE_TEXT.startFailed(agent.name, redactTokens(agent.last_error.replace(/^bot \S+ could not log in: /, ""))));
    };
    const stop = () => {
      clearTimeout(timer);
      registry.off("change", onChange);
    };
    const timer = setTimeout(stop, FAILURE_WATCH_MS);
    timer.unref();
    registry.on("change", onChange);
  }

  async #say(message: IntakeMessage, text: string): Promise<void> {
    await message.send(text).catch((err: unknown) => this.#log.error({ err }, "could not answer a token DM"));
  }
}
