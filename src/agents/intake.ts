import { LRUCache } from "lru-cache";
import type { Logger } from "../log/index.js";
import { findTokens, redactTokens } from "../log/index.js";
import { agentUsingToken, findByName, pendingAgents, withToken, failedToStart, type Agent, type RegistryStore } from "../registry/index.js";
import type { NoteBoard } from "../discord/index.js";
import { IntakeError } from "./errors.js";
import type { ActivationEvents, ActivationOutcome, IntakeMessage } from "./ports.js";
import { INTAKE_TEXT } from "./messages.js";
import { AttemptLimiter, looksLikeBotToken, SeenOnce } from "./token-guards.js";
import { validateToken, type TokenCheck, type TokenOwner } from "./validate-token.js";

export interface IntakeOptions {
  registry: RegistryStore;
  logger: Logger;
  /** Discord REST base used to check tokens (`GET /users/@me`). */
  apiUrl: string;
  /** OAuth2 invite link for a bot user. */
  inviteUrl: (botUserId: string) => string;
  notes: NoteBoard;
  /** Token checks (Discord calls) per person per minute; default 5. */
  checksPerMinute?: number;
  /** The Discord check; injected by tests that count calls. */
  validate?: (apiUrl: string, token: string) => Promise<TokenCheck>;
  now?: () => number;
  /** How each start ends (the reconciler); looked up when a token is stored. */
  activations?: () => ActivationEvents;
  /** How long to wait for a start's outcome (default 5 minutes). */
  startWaitMs?: number;
}

interface PendingChoice {
  token: string;
  owner: TokenOwner;
  candidates: string[];
  expires: number;
}

const CHOICE_TTL_MS = 10 * 60_000;
/** How long a start may take before the person is told it did not start (a cold start takes seconds; logins are spaced). */
const START_WAIT_MS = 5 * 60_000;
const TYPING_EVERY_MS = 8_000;
const TYPING_MAX_MS = 40_000;

type StartResult = { kind: "online"; botUserId: string } | { kind: "failed"; reason: string } | { kind: "timeout" } | { kind: "closed" };

/**
 * Token intake, in code, before any model sees the message: a token in a DM to BoBB is
 * validated, stored and the bot started; a token in a channel is deleted and never stored.
 * Storing the token is all it does to start the bot: the registry's change event reaches
 * the activation watcher. The person then gets one answer: online (after the login and the
 * OpenCode server are ready), or why it did not start.
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
    if (agentId !== "bobb") {
      if (tokens.length === 0) return false;
      this.#log.warn({ agent: agentId, user: message.authorId }, "a token was sent to a child bot by DM; not stored");
      await this.#say(message, INTAKE_TEXT.notForMe);
      return true;
    }
    if (tokens.length > 0) {
      await this.#receive(message, tokens[0]!);
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
    if (!looksLikeBotToken(token)) {
      this.#log.info({ user: message.authorId }, "token refused: not shaped like a bot token");
      return this.#say(message, INTAKE_TEXT.malformed);
    }
    const check = await (this.options.validate ?? validateToken)(this.options.apiUrl, token);
    if (!check.ok) {
      this.#log.info({ user: message.authorId, reason: check.reason }, "token refused");
      const text = check.reason === "rejected" ? INTAKE_TEXT.rejected : check.reason === "not-a-bot" ? INTAKE_TEXT.notABot : INTAKE_TEXT.unreachable;
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
    // Listening before the token is stored: the start it triggers may end before the store resolves.
    const outcome = this.#outcomeOf(agent.id);
    try {
      await this.options.registry.update((draft) => {
        const current = draft.agents[agent.id];
        if (!current) throw new IntakeError("AGENT_REMOVED", `agent ${agent.id} was removed`);
        if (agentUsingToken(draft, token, agent.id)) throw new IntakeError("TOKEN_IN_USE", "token already in use");
        draft.agents[agent.id] = { ...withToken(current, token), discord_user_id: owner.id };
      });
    } catch (err) {
      outcome.cancel();
      this.#log.error({ err, agent: agent.id }, "could not store a validated token");
      await this.#say(message, `I could not store the token for **${agent.name}**: ${(err as Error).message}. Nothing was changed.`);
      return;
    }
    this.#log.info({ agent: agent.id, bot_user: owner.id }, "token validated and stored; activating");
    this.options.notes.add("bobb", `dm-${message.authorId}`, INTAKE_TEXT.modelNotice(agent.id));
    // Not awaited: a token form must be answered within Discord's 3 seconds, a cold start takes longer.
    void this.#announce(message, agent.name, owner, outcome.result);
  }

  /** One message per start: online with its invite link once it is, or why it did not start; typing meanwhile. */
  async #announce(message: IntakeMessage, name: string, owner: TokenOwner, result: Promise<StartResult>): Promise<void> {
    const type = () => void message.typing?.().catch(() => undefined);
    type();
    // Typing, not a "starting…" message; kept up for a normal start, not through a long wait for a login slot.
    const typing = setInterval(type, TYPING_EVERY_MS);
    const typingEnds = setTimeout(() => clearInterval(typing), TYPING_MAX_MS);
    typing.unref();
    typingEnds.unref();
    const outcome = await result.finally(() => {
      clearInterval(typing);
      clearTimeout(typingEnds);
    });
    if (outcome.kind === "closed") return;
    if (outcome.kind === "online") return this.#say(message, INTAKE_TEXT.activated(name, this.options.inviteUrl(outcome.botUserId || owner.id)));
    const reason = outcome.kind === "failed" ? redactTokens(outcome.reason.replace(/^bot \S+ could not log in: /, "")) : INTAKE_TEXT.startTimeout;
    await this.#say(message, INTAKE_TEXT.startFailed(name, reason));
  }

  /** The next start outcome for an agent, from the activation events (or a time-out). */
  #outcomeOf(agentId: string): { result: Promise<StartResult>; cancel(): void } {
    const events = this.options.activations?.();
    let settle: (r: StartResult) => void = () => undefined;
    const result = new Promise<StartResult>((resolve) => (settle = resolve));
    const onOutcome = (o: ActivationOutcome) => {
      if (o.agentId !== agentId) return;
      done(o.ok ? { kind: "online", botUserId: o.botUserId } : { kind: "failed", reason: o.reason });
    };
    const done = (r: StartResult) => {
      clearTimeout(timer);
      events?.off("activation", onOutcome);
      settle(r);
    };
    const timer = setTimeout(() => done({ kind: "timeout" }), this.options.startWaitMs ?? START_WAIT_MS);
    timer.unref();
    events?.on("activation", onOutcome);
    return { result, cancel: () => done({ kind: "closed" }) };
  }

  async #say(message: IntakeMessage, text: string): Promise<void> {
    await message.send(text).catch((err: unknown) => this.#log.error({ err }, "could not answer a token DM"));
  }
}
