import { LRUCache } from "lru-cache";
import type { Logger } from "../log/index.js";
import { credentialWord, findTokens, redactTokens } from "../log/index.js";
import { agentUsingToken, findByName, pendingAgents, withToken, failedToStart, type Agent, type RegistryPort } from "../registry/index.js";
import type { NoteBoard } from "../discord/index.js";
import { IntakeError } from "./errors.js";
import type { ActivationEvents, ActivationOutcome, IntakeMessage } from "./ports.js";
import { INTAKE_TEXT } from "./messages.js";
import { AttemptLimiter, hasDiscordTokenShape, looksLikeBotToken, SeenOnce } from "./token-guards.js";
import { validateToken, type TokenCheck, type TokenCheckOptions, type TokenOwner } from "./validate-token.js";

export interface IntakeOptions {
  registry: RegistryPort;
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
  /** How each start ends (the reconciler); looked up when a token is stored. */
  activations?: () => ActivationEvents;
  /** How long to wait for a start's outcome (default 5 minutes). */
  startWaitMs?: number;
}

/** Where a token came from and how to answer there: a DM to BoBB, or the token form (a modal, answered ephemerally). */
interface TokenSource {
  userId: string;
  /** The conversation whose next prompt gets the model's notice that the token arrived (never the token). */
  conversationKey: string;
  via: "dm" | "form";
  say(text: string): Promise<void>;
  /** Shows that the bot is starting (a DM's typing indicator); the form's deferred answer shows it already. */
  typing?(): Promise<void>;
}

/** A token submitted through the token form for one agent. */
export interface FormSubmission {
  agentId: string;
  userId: string;
  /** The conversation the form was opened from (a channel id, or `dm-<user>`). */
  conversationKey: string;
  token: string;
  /** Answers the person (ephemerally): the first call answers the form, later ones follow up. */
  reply(text: string): Promise<void>;
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

/** The answers that say how to give the token again: by DM, or through the form (never "send it here" in a channel). */
const words = (source: { via: "dm" | "form" }) => (source.via === "form" ? INTAKE_TEXT.viaForm : INTAKE_TEXT);

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
    // A DM that is one credential-shaped word (any server's token shape, a key) is never a model's to read.
    const word = credentialWord(message.content);
    if (agentId !== "bobb") {
      if (tokens.length === 0 && !word) return false;
      this.#log.warn({ agent: agentId, user: message.authorId }, "a token was sent to a child bot by DM; not stored");
      await this.#say(message, INTAKE_TEXT.notForMe);
      return true;
    }
    if (tokens.length > 0) {
      await this.#receive(this.#dmSource(message), tokens[0]!);
      return true;
    }
    // From someone with a bot waiting for its token, such a word could be that token, whatever its shape.
    if (word && (this.#pendingFor(message.authorId).length > 0 || this.#choices.has(message.authorId))) {
      await this.#receive(this.#dmSource(message), word);
      return true;
    }
    return this.#answerChoice(message);
  }

  /**
   * A token from the token form, for the agent the form was opened for: checked, stored and
   * started exactly as a DM'd token is. Only the agent's creator may (anyone for an agent
   * without one, as by DM), and only while it waits for a token or failed to start.
   */
  async submitForm(submission: FormSubmission): Promise<void> {
    const source: TokenSource = {
      userId: submission.userId,
      conversationKey: submission.conversationKey,
      via: "form",
      say: (text) => this.#send(submission.reply, text),
    };
    const agent = this.options.registry.snapshot.agents[submission.agentId];
    const refusal = agent ? formRefusal(agent, submission.userId) : INTAKE_TEXT.formGone;
    if (refusal) {
      this.#log.info({ agent: submission.agentId, user: submission.userId }, "token form refused");
      return source.say(refusal);
    }
    await this.#receive(source, submission.token.trim(), agent!.id);
  }

  /** Why this person may not submit a token for this agent through the form, or undefined when they may. */
  formRefusal(agentId: string, userId: string): string | undefined {
    const agent = this.options.registry.snapshot.agents[agentId];
    return agent ? formRefusal(agent, userId) : INTAKE_TEXT.formGone;
  }

  #dmSource(message: IntakeMessage): TokenSource {
    return {
      userId: message.authorId,
      conversationKey: `dm-${message.authorId}`,
      via: "dm",
      say: (text) => this.#say(message, text),
      typing: async () => message.typing?.(),
    };
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

  /** Rate limit, shape, Discord's check, the in-use check; then stores it for `target` (the form) or the person's pending bot (a DM). */
  async #receive(source: TokenSource, token: string, target?: string): Promise<void> {
    const user = source.userId;
    this.#choices.delete(user);
    if (!this.#checks.take(user)) {
      this.#log.info({ user, via: source.via }, "token refused: too many checks in a minute");
      return source.say(INTAKE_TEXT.tooMany);
    }
    const discordShaped = hasDiscordTokenShape(token);
    if (discordShaped && !looksLikeBotToken(token)) {
      this.#log.info({ user, via: source.via }, "token refused: not shaped like a bot token");
      return source.say(INTAKE_TEXT.malformed);
    }
    if (!discordShaped && this.options.tokenShapes === "discord") {
      this.#log.info({ user, via: source.via }, "credential-shaped DM refused: not a Discord token; not stored");
      return source.say(words(source).notForThisServer);
    }
    const check = await (this.options.validate ?? validateToken)(this.options.apiUrl, token, { version: this.options.apiVersion ?? 10 });
    if (!check.ok) {
      this.#log.info({ user, via: source.via, reason: check.reason }, "token refused");
      const rejected = discordShaped ? words(source).rejected : words(source).notForThisServer;
      const text = check.reason === "rejected" ? rejected : check.reason === "not-a-bot" ? words(source).notABot : INTAKE_TEXT.unreachable;
      return source.say(text);
    }
    const registry = this.options.registry.snapshot;
    const inUse = agentUsingToken(registry, token) ?? Object.values(registry.agents).find((a) => a.discord_user_id === check.owner.id);
    if (inUse) {
      // A bot that could not log in (most often MESSAGE CONTENT INTENT left off) takes its token again, so its creator can retry.
      const retry = failedToStart(inUse) && (!inUse.created_by || inUse.created_by === user) && (target === undefined || target === inUse.id);
      if (retry) return this.#activate(source, inUse, token, check.owner);
      return source.say(INTAKE_TEXT.inUse(inUse.name));
    }
    if (target !== undefined) {
      const agent = this.options.registry.snapshot.agents[target];
      const refusal = agent ? formRefusal(agent, user) : INTAKE_TEXT.formGone;
      return refusal ? source.say(refusal) : this.#activate(source, agent!, token, check.owner);
    }
    const mine = this.#pendingFor(user);
    if (mine.length === 0) return source.say(INTAKE_TEXT.noPending);
    if (mine.length === 1) return this.#activate(source, mine[0]!, token, check.owner);
    const candidates = mine.map((a) => a.id);
    this.#choices.set(user, { token, owner: check.owner, candidates, expires: Date.now() + CHOICE_TTL_MS });
    await source.say(INTAKE_TEXT.which(mine.map((a) => a.name)));
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
    await this.#activate(this.#dmSource(message), picked, choice.token, choice.owner);
    return true;
  }

  #pendingFor(userId: string): Agent[] {
    const pending = pendingAgents(this.options.registry.snapshot);
    const own = pending.filter((a) => a.created_by === userId);
    return own.length > 0 ? own : pending.filter((a) => !a.created_by);
  }

  async #activate(source: TokenSource, agent: Agent, token: string, owner: TokenOwner): Promise<void> {
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
      await source.say(`I could not store the token for **${agent.name}**: ${(err as Error).message}. Nothing was changed.`);
      return;
    }
    this.#log.info({ agent: agent.id, bot_user: owner.id, via: source.via }, "token validated and stored; activating");
    this.options.notes.add("bobb", source.conversationKey, INTAKE_TEXT.modelNotice(agent.id));
    // Not awaited: a token form must be answered within Discord's 3 seconds, a cold start takes longer.
    void this.#announce(source, agent.name, owner, outcome.result);
  }

  /** One message per start: online with its invite link once it is, or why it did not start; typing meanwhile. */
  async #announce(source: TokenSource, name: string, owner: TokenOwner, result: Promise<StartResult>): Promise<void> {
    const type = () => void source.typing?.().catch(() => undefined);
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
    // A DM'd token stays in the DM's history (a bot cannot delete a person's DM message): say how to remove it.
    const reminder = source.via === "dm" ? `\n${INTAKE_TEXT.dmKeepsToken}` : "";
    if (outcome.kind === "online") return source.say(INTAKE_TEXT.activated(name, this.options.inviteUrl(outcome.botUserId || owner.id)) + reminder);
    const reason = outcome.kind === "failed" ? redactTokens(outcome.reason.replace(/^bot \S+ could not log in: /, "")) : INTAKE_TEXT.startTimeout;
    await source.say(words(source).startFailed(name, reason) + reminder);
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

  async #send(reply: (text: string) => Promise<void>, text: string): Promise<void> {
    await reply(text).catch((err: unknown) => this.#log.error({ err }, "could not answer a token form"));
  }
}

/** Why this person may not submit a token for this agent through the form (the DM's rules), or undefined when they may. */
function formRefusal(agent: Agent, userId: string): string | undefined {
  if (agent.created_by && agent.created_by !== userId) return INTAKE_TEXT.formNotYours(agent.name);
  if (agent.status !== "pending_token" && !failedToStart(agent)) return INTAKE_TEXT.formNotWaiting(agent.name);
  return undefined;
}
