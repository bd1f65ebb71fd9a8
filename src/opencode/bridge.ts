import { setTimeout as delay } from "node:timers/promises";
import type { OpencodeClient, Part } from "@opencode-ai/sdk";
import { LRUCache } from "lru-cache";
import PQueue from "p-queue";
import type { Logger } from "pino";
import { BUILTIN_TOOLS } from "./agent-config.js";
import { AgentGate } from "./agent-gate.js";
import { BridgeError, type BridgeErrorCode } from "./errors.js";
import type { SessionMap } from "./sessions.js";

/** What a prompt returns: the final text, the tools used on the way, and how long it took. */
export interface PromptResult {
  text: string;
  usedTools: string[];
  sessionId: string;
  durationMs: number;
}

export interface PromptOptions {
  signal?: AbortSignal;
  /** Overrides the default prompt timeout; the clock starts when the prompt leaves the queue. */
  timeoutMs?: number;
  /**
   * Look up which tools the turn used (default true). It costs one more request to OpenCode
   * (the session's recent messages); callers that do not read `usedTools` skip it and get [].
   */
  usedTools?: boolean;
  /** What the prompt answers (a Discord message id): named in the logs of a retry. */
  messageId?: string;
  /**
   * Asked before the prompt is sent again because its server died under it (default: yes);
   * the caller says no once the turn already posted or was answered.
   */
  canRetry?: () => boolean;
  /** Tags the prompt while it runs, so a tool call of its session can be traced to the turn that sent it (`turnOf`). */
  turnId?: string;
  /** Files sent with the text as OpenCode file parts (a `text/plain` data: URL is inlined as text by OpenCode). */
  files?: readonly PromptFile[];
}

/** A file for the prompt: its type, a data: (or http) URL, and its name. */
export interface PromptFile {
  mime: string;
  url: string;
  filename: string;
}

/** Where the bridge finds an agent's server; `exited` settles when that server's process ends. */
export interface ServerLookup {
  /** `system`: the agent's persona sent with each prompt (project mode; otherwise its directory's AGENTS.md serves). */
  target(agentId: string): Promise<{ client: OpencodeClient; directory: string; exited?: Promise<void>; system?: string }>;
}

export interface BridgeOptions {
  servers: ServerLookup;
  store: SessionMap;
  /** Prompts waiting behind the running one, per conversation. */
  queueLimit: number;
  promptTimeoutMs: number;
  /** Prompts of one agent running at once across its conversations; more wait in order. Default 4. */
  agentConcurrency?: number | undefined;
  logger: Logger;
  /** How long after a failed request the server's exit may still be noticed (default 2 s). */
  exitGraceMs?: number;
}

interface Job {
  text: string;
  files: readonly PromptFile[];
  timeoutMs: number;
  usedTools: boolean;
  turnId: string | undefined;
  /** Aborts the running prompt (our HTTP request to OpenCode). */
  controller: AbortController;
  /** Takes the prompt out of the queue while it waits; p-queue rejects it with the reason. */
  dequeue: AbortController;
  session?: { client: OpencodeClient; id: string };
  messageId: string | undefined;
  canRetry: () => boolean;
  /** The exit of the server the prompt was sent to. */
  exited?: Promise<void> | undefined;
  retried: boolean;
}

/** The model itself answered with an error: the server is fine, so it is never retried. */
class ModelAnswerError extends BridgeError {}

/** One conversation: a p-queue of concurrency 1, the prompt it runs and the ones waiting. */
interface Lane {
  queue: PQueue;
  running: Job | undefined;
  waiting: Set<Job>;
}

/** Per-prompt defence in depth: built-ins are off in every agent's config, and again here. */
const NO_BUILTINS = Object.fromEntries(BUILTIN_TOOLS.map((t) => [t, false]));

/** One OpenCode session per (agent, conversation); one prompt at a time per session. */
export class Bridge {
  readonly #o: BridgeOptions;
  readonly #lanes = new Map<string, Lane>();
  /** Sessions known to exist on their server (checked once per process); bounded, a forgotten one is checked again. */
  readonly #verified = new LRUCache<string, true>({ max: 10_000 });
  readonly #gate: AgentGate;
  readonly #log: Logger;

  constructor(options: BridgeOptions) {
    this.#o = options;
    this.#gate = new AgentGate(options.agentConcurrency ?? 4);
    this.#log = options.logger.child({ component: "bridge" });
  }

  /** Queues a prompt behind any running one in the conversation and resolves with the agent's answer. */
  prompt(agentId: string, conversation: string, text: string, options: PromptOptions = {}): Promise<PromptResult> {
    const signal = options.signal;
    if (signal?.aborted) return Promise.reject(new BridgeError("ABORTED", "the prompt was aborted before it started"));
    const lane = this.#lane(agentId, conversation);
    if (lane.running && lane.waiting.size >= this.#o.queueLimit) {
      return Promise.reject(new BridgeError("BUSY", `agent "${agentId}" is busy in this conversation (${lane.waiting.size} prompts already waiting)`));
    }
    const job: Job = {
      text,
      files: options.files ?? [],
      timeoutMs: options.timeoutMs ?? this.#o.promptTimeoutMs,
      usedTools: options.usedTools ?? true,
      turnId: options.turnId,
      controller: new AbortController(),
      dequeue: new AbortController(),
      messageId: options.messageId,
      canRetry: options.canRetry ?? (() => true),
      retried: false,
    };
    // Fire and forget: #cancel never rejects (the server-side abort swallows its own failure).
    const onAbort = () => void this.#cancel(lane, job, "ABORTED");
    signal?.addEventListener("abort", onAbort, { once: true });
    lane.waiting.add(job);
    const run = lane.queue.add(
      async () => {
        lane.waiting.delete(job);
        lane.running = job;
        try {
          // The agent's bound across conversations; the prompt's clock starts once it has a slot.
          return await this.#gate.run(agentId, job.controller.signal, () => this.#runWithTimeout(agentId, conversation, lane, job));
        } catch (error) {
          if (job.controller.signal.aborted && !(error instanceof BridgeError)) throw new BridgeError("ABORTED", "the prompt was aborted");
          throw error;
        } finally {
          lane.running = undefined;
        }
      },
      { signal: job.dequeue.signal },
    );
    return run.finally(() => {
      lane.waiting.delete(job);
      signal?.removeEventListener("abort", onAbort);
    });
  }

  /** Aborts the running prompt of the conversation (OpenCode session abort) and drops the queued ones. */
  async abort(agentId: string, conversation: string): Promise<void> {
    const lane = this.#lanes.get(laneKey(agentId, conversation));
    if (!lane) return;
    for (const job of [...lane.waiting]) job.dequeue.abort(new BridgeError("ABORTED", "the prompt was aborted"));
    if (lane.running) await this.#cancel(lane, lane.running, "ABORTED");
  }

  /** True while a prompt of the conversation runs or waits. */
  busy(agentId: string, conversation: string): boolean {
    return this.#lanes.has(laneKey(agentId, conversation));
  }

  /** Forgets that a session was checked (it was deleted). */
  forget(sessionId: string): void {
    this.#verified.delete(sessionId);
  }

  /** Aborts everything of one agent (it is being stopped). */
  async abortAgent(agentId: string): Promise<void> {
    const prefix = `${agentId}\u0000`;
    await Promise.all([...this.#lanes.keys()].filter((k) => k.startsWith(prefix)).map((k) => this.abort(agentId, k.slice(prefix.length))));
  }

  /** The turn tag of the prompt running right now in this agent's OpenCode session, if any. */
  turnOf(agentId: string, sessionId: string): string | undefined {
    const prefix = `${agentId}\u0000`;
    for (const [key, lane] of this.#lanes) {
      if (key.startsWith(prefix) && lane.running?.session?.id === sessionId) return lane.running.turnId;
    }
    return undefined;
  }

  /** The agent whose prompt runs in this OpenCode session right now, if any (project mode's tool key names no bot). */
  agentOfSession(sessionId: string): string | undefined {
    for (const [key, lane] of this.#lanes) {
      if (lane.running?.session?.id === sessionId) return key.slice(0, key.indexOf("\u0000"));
    }
    return undefined;
  }

  /** The conversation's lane; dropped again once its queue is idle. */
  #lane(agentId: string, conversation: string): Lane {
    const key = laneKey(agentId, conversation);
    const existing = this.#lanes.get(key);
    if (existing) return existing;
    const lane: Lane = { queue: new PQueue({ concurrency: 1 }), running: undefined, waiting: new Set() };
    lane.queue.on("idle", () => {
      if (this.#lanes.get(key) === lane) this.#lanes.delete(key);
    });
    this.#lanes.set(key, lane);
    return lane;
  }

  async #cancel(lane: Lane, job: Job, code: BridgeErrorCode): Promise<void> {
    if (lane.waiting.has(job)) {
      job.dequeue.abort(new BridgeError(code, "the prompt was aborted"));
      return;
    }
    if (lane.running !== job || job.controller.signal.aborted) return;
    job.controller.abort(code);
    // Stop the model on the server too, not only our HTTP request.
    const session = job.session;
    if (session) {
      await session.client.session.abort({ path: { id: session.id }, signal: AbortSignal.timeout(5000) }).catch(() => undefined);
    }
  }

  /** Runs the prompt; the clock starts now that it has left the queue. */
  async #runWithTimeout(agentId: string, conversation: string, lane: Lane, job: Job): Promise<PromptResult> {
    const timer = setTimeout(() => void this.#cancel(lane, job, "TIMEOUT"), job.timeoutMs);
    try {
      return await this.#run(agentId, conversation, job).catch(async (error: unknown) => {
        if (!(await this.#diedUnder(job, error))) throw error;
        // The runtime restarts a crashed server (server-pool.ts); the prompt goes to the new one, once.
        job.retried = true;
        this.#log.warn({ agent: agentId, conversation, message: job.messageId, err: error }, "OpenCode server died while answering; sending the prompt again");
        return await this.#run(agentId, conversation, job);
      });
    } catch (error) {
      const reason = job.controller.signal.reason as unknown;
      if (reason === "TIMEOUT") throw new BridgeError("TIMEOUT", `agent "${agentId}" did not answer within ${job.timeoutMs} ms`);
      if (reason === "ABORTED") throw new BridgeError("ABORTED", "the prompt was aborted");
      throw error instanceof BridgeError
        ? error
        : new BridgeError("PROMPT_FAILED", `agent "${agentId}" could not answer: ${describe(error)}`, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }

  async #run(agentId: string, conversation: string, job: Job): Promise<PromptResult> {
    const began = Date.now();
    const signal = job.controller.signal;
    const { client, exited, system } = await this.#o.servers.target(agentId);
    job.exited = exited;
    signal.throwIfAborted();
    let sessionId = await this.#session(client, agentId, conversation, signal);
    job.session = { client, id: sessionId };
    signal.throwIfAborted();
    let res = await this.#send(client, sessionId, job, system, signal);
    if (res.notFound) {
      // The server lost the session (deleted, or a fresh database): start a new one transparently.
      this.#log.info({ agent: agentId, conversation, session: sessionId }, "session unknown to the server; starting a new one");
      await this.#o.store.delete(agentId, conversation);
      sessionId = await this.#session(client, agentId, conversation, signal);
      job.session = { client, id: sessionId };
      res = await this.#send(client, sessionId, job, system, signal);
    }
    if (!res.data) throw new BridgeError("PROMPT_FAILED", `agent "${agentId}" could not answer: ${res.error ?? "no response"}`);
    const { info, parts } = res.data;
    if (info.error) {
      if (info.error.name === "MessageAbortedError") throw new BridgeError("ABORTED", "the prompt was aborted");
      const detail = "message" in info.error.data ? String(info.error.data.message) : info.error.name;
      throw new ModelAnswerError("PROMPT_FAILED", `agent "${agentId}" could not answer: ${detail}`);
    }
    const text = parts
      .filter((p): p is Extract<Part, { type: "text" }> => p.type === "text" && !p.synthetic && !p.ignored)
      .map((p) => p.text)
      .join("")
      .trim();
    const usedTools = job.usedTools ? await this.#toolsOfTurn(client, sessionId, info.parentID, signal) : [];
    return { text, usedTools, sessionId, durationMs: Date.now() - began };
  }

  /**
   * True when the prompt failed because its server died (the request failed and the process
   * exited, now or within the grace period) and it may be sent again: not aborted, not a
   * model error, not retried before, and the caller agrees.
   */
  async #diedUnder(job: Job, error: unknown): Promise<boolean> {
    if (job.retried || job.controller.signal.aborted || error instanceof ModelAnswerError || !job.exited) return false;
    if (!job.canRetry()) return false;
    const grace = new AbortController();
    const died = await Promise.race([job.exited.then(() => true), delay(this.#o.exitGraceMs ?? 2_000, false, { signal: grace.signal }).catch(() => false)]);
    grace.abort();
    return died && !job.controller.signal.aborted && job.canRetry();
  }

  async #send(client: OpencodeClient, sessionId: string, job: Job, system: string | undefined, signal: AbortSignal) {
    const files = job.files.map((f) => ({ type: "file" as const, mime: f.mime, url: f.url, filename: f.filename }));
    const parts = [{ type: "text" as const, text: job.text }, ...files];
    const body = { parts, tools: NO_BUILTINS, ...(system ? { system } : {}) };
    const res = await client.session.prompt({ path: { id: sessionId }, body, signal });
    const status = res.response?.status;
    if (status === 404) return { notFound: true as const, data: undefined, error: undefined };
    return { notFound: false as const, data: res.data, error: res.error ? describe(res.error) : status && status >= 400 ? `HTTP ${status}` : undefined };
  }

  /** The stored session, checked once per process; or a new one. */
  async #session(client: OpencodeClient, agentId: string, conversation: string, signal: AbortSignal): Promise<string> {
    const stored = await this.#o.store.get(agentId, conversation);
    if (stored) {
      if (this.#verified.has(stored)) {
        await this.#o.store.touch(agentId, conversation);
        return stored;
      }
      const found = await client.session.get({ path: { id: stored }, signal });
      if (found.data) {
        this.#verified.set(stored, true);
        await this.#o.store.touch(agentId, conversation);
        return stored;
      }
    }
    const created = await client.session.create({ body: { title: `${agentId} · ${conversation}` }, signal });
    if (!created.data) throw new BridgeError("PROMPT_FAILED", `agent "${agentId}" could not start a session: ${describe(created.error)}`);
    await this.#o.store.set(agentId, conversation, created.data.id);
    this.#verified.set(created.data.id, true);
    return created.data.id;
  }

  /** Names of the tools called while answering the user message `parentId`. */
  async #toolsOfTurn(client: OpencodeClient, sessionId: string, parentId: string, signal: AbortSignal): Promise<string[]> {
    const res = await client.session.messages({ path: { id: sessionId }, query: { limit: 50 }, signal });
    const used: string[] = [];
    for (const message of res.data ?? []) {
      if (message.info.role !== "assistant" || message.info.parentID !== parentId) continue;
      for (const part of message.parts) if (part.type === "tool" && !used.includes(part.tool)) used.push(part.tool);
    }
    return used;
  }
}

function laneKey(agentId: string, conversation: string): string {
  return `${agentId}\u0000${conversation}`;
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (error && typeof error === "object") {
    const e = error as { data?: { message?: unknown }; name?: unknown };
    if (typeof e.data?.message === "string") return e.data.message;
    if (typeof e.name === "string") return e.name;
    return JSON.stringify(error).slice(0, 300);
  }
  return String(error);
}
