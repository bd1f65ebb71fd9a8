import { randomUUID } from "node:crypto";
import { Role, TaskState, type Message } from "@a2a-js/sdk";
import { AgentEvent, type AgentExecutor, type ExecutionEventBus, type RequestContext, type ServerCallContext, type User } from "@a2a-js/sdk/server";
import type { AgentSession } from "./access.js";
import { RoomsError } from "./errors.js";
import type { Rooms } from "./service.js";
import type { RoomBot, RoomMessage } from "./types.js";

/** The caller of an A2A request: an authenticated room agent talking to one bot (tasks are scoped to the pair). */
export class RoomAgentUser implements User {
  constructor(
    readonly session: AgentSession,
    readonly bot: RoomBot,
  ) {}
  get isAuthenticated(): boolean {
    return true;
  }
  get userName(): string {
    return `${this.session.member.id}/${this.bot.id}`;
  }
}

/** How a task ended, with the words the agent reads (REST's code and message for a refusal). */
type Outcome = { state: TaskState; text: string; error?: { code: string; message: string; retry_after?: number } };

/** The bot's governor notice in the channel (src/discord/governor.ts), as the agents read it. */
export const GOVERNOR_NOTICE = /Bot-to-bot exchange paused/;

/**
 * A2A `ask` / `answer` on the room: the message is posted into the channel as the calling agent mentioning
 * the bot (the REST post path: its key, limits, pause and ask mode), then the bot's next message in the
 * channel (a reply to it, or not a reply to anyone else) is the task's artifact. A person's stop cancels it;
 * a refusal (room paused, rate, size, the governor) rejects it with the reason.
 */
export class RoomA2aExecutor implements AgentExecutor {
  readonly #running = new Map<string, { abort: AbortController; contextId: string; canceled: boolean }>();

  constructor(private readonly rooms: Rooms) {}

  execute = async (ctx: RequestContext, bus: ExecutionEventBus): Promise<void> => {
    const { session, bot } = callerOf(ctx.context);
    const { taskId, contextId } = ctx;
    const abort = new AbortController();
    const entry = { abort, contextId, canceled: false };
    this.#running.set(taskId, entry);
    const status = (state: TaskState, text: string, metadata?: object) =>
      bus.publish(
        AgentEvent.statusUpdate({
          taskId,
          contextId,
          status: { state, message: agentMessage(taskId, contextId, text), timestamp: new Date().toISOString() },
          metadata: metadata ? { ...metadata } : undefined,
        }),
      );
    try {
      if (!ctx.task) {
        bus.publish(
          AgentEvent.task({
            id: taskId,
            contextId,
            status: { state: TaskState.TASK_STATE_SUBMITTED, message: undefined, timestamp: new Date().toISOString() },
            artifacts: [],
            history: [ctx.userMessage],
            metadata: { room_id: session.room.id, bot: bot.id },
          }),
        );
      }
      const signal = AbortSignal.any([abort.signal, this.rooms.closing]);
      const outcome = await this.#ask(session, bot, textOf(ctx.userMessage), signal, (text) => status(TaskState.TASK_STATE_WORKING, text));
      if (entry.canceled) return; // cancelTask published the end
      if (outcome.state === TaskState.TASK_STATE_COMPLETED) {
        bus.publish(
          AgentEvent.artifactUpdate({
            taskId,
            contextId,
            artifact: {
              artifactId: randomUUID(),
              name: "answer",
              description: `${bot.name}'s answer in the room`,
              parts: [textPart(outcome.text)],
              metadata: undefined,
              extensions: [],
            },
            append: false,
            lastChunk: true,
            metadata: undefined,
          }),
        );
      }
      status(outcome.state, outcome.text, outcome.error ? { error: outcome.error } : undefined);
    } finally {
      this.#running.delete(taskId);
      if (!entry.canceled) bus.finished();
    }
  };

  cancelTask = async (taskId: string, bus: ExecutionEventBus): Promise<void> => {
    const running = this.#running.get(taskId);
    if (running) {
      running.canceled = true;
      running.abort.abort();
    }
    const at = new Date().toISOString();
    const contextId = running?.contextId ?? "";
    bus.publish(
      AgentEvent.statusUpdate({
        taskId,
        contextId,
        status: { state: TaskState.TASK_STATE_CANCELED, message: agentMessage(taskId, contextId, "canceled by the caller"), timestamp: at },
        metadata: undefined,
      }),
    );
    bus.finished();
  };

  async #ask(session: AgentSession, bot: RoomBot, text: string, signal: AbortSignal, working: (text: string) => void): Promise<Outcome> {
    const { rooms } = this;
    if (text.trim() === "") return refused(new RoomsError("VALIDATION_ERROR", 'message: at least one text part, e.g. {"text": "Hello"}'));
    // The bot's answer comes after the post: read from just before it (the room's clock).
    let cursor = new Date(rooms.now() - 1).toISOString();
    let post;
    try {
      post = await rooms.post(session, text.includes(`@${bot.name}`) ? text : `@${bot.name} ${text}`);
    } catch (err) {
      if (err instanceof RoomsError) return refused(err);
      throw err;
    }
    if (post.status === "pending") {
      working(`Your message waits for a person's approval in the room (ask mode); then ${bot.name} is asked.`);
      post = { ...post, status: await rooms.settledStatus(post.id, rooms.limits.answerTimeoutMs, signal) };
    }
    if (post.status !== "delivered") {
      const message = `your message was not posted in the room (${post.status === "pending" ? "no decision in time" : "rejected"})`;
      return { state: TaskState.TASK_STATE_REJECTED, text: `POST_REJECTED: ${message}`, error: { code: "POST_REJECTED", message } };
    }
    const ours = rooms.deliveredAs(post.id);
    // Bot-to-bot turns already paused (the governor's notice, no person since): no answer will come.
    const tripped = governorTrip(rooms.buffer.read(session.room.id, session.member.id, undefined, rooms.buffer.capacity).messages, cursor);
    if (tripped) return tripped;
    working(`Posted in the room as ${session.member.name}; waiting for ${bot.name}'s answer.`);
    const deadline = Date.now() + rooms.limits.answerTimeoutMs;
    for (;;) {
      let page;
      try {
        page = await rooms.read(session, cursor, 100, Math.max(0, deadline - Date.now()), signal);
      } catch (err) {
        if (err instanceof RoomsError) return refused(err, TaskState.TASK_STATE_FAILED);
        throw err;
      }
      for (const m of page.messages) {
        const found = judge(m, bot, ours);
        if (found) return found;
      }
      cursor = page.next_since;
      if (signal.aborted)
        return {
          state: TaskState.TASK_STATE_CANCELED,
          text: "SHUTDOWN: the room's listener is closing",
          error: { code: "SHUTDOWN", message: "the room's listener is closing" },
        };
      if (Date.now() >= deadline) {
        const message = `${bot.name} did not answer within ${Math.round(rooms.limits.answerTimeoutMs / 1000)} s; your message is in the room, read it there`;
        return { state: TaskState.TASK_STATE_FAILED, text: `NO_ANSWER: ${message}`, error: { code: "NO_ANSWER", message } };
      }
    }
  }
}

/** What one room message means for a task waiting on `bot`'s answer to our post `ours`. */
function judge(m: RoomMessage, bot: RoomBot, ours: string | undefined): Outcome | undefined {
  if (m.type === "message" && m.kind === "bot" && m.from === bot.userId && (m.reply_to === undefined || m.reply_to === ours)) {
    return { state: TaskState.TASK_STATE_COMPLETED, text: m.content };
  }
  if (m.type === "system" && m.event === "paused") {
    const message = `${m.by?.name ?? "a person"} said stop: the question was canceled; posts are refused until a person speaks again`;
    return { state: TaskState.TASK_STATE_CANCELED, text: `ROOM_PAUSED: ${message}`, error: { code: "ROOM_PAUSED", message } };
  }
  if (m.kind === "system" && GOVERNOR_NOTICE.test(m.content)) {
    const message = `the room's loop governor refused the turn: ${m.content.replace(/^-# /, "")}`;
    return { state: TaskState.TASK_STATE_REJECTED, text: `GOVERNOR_REFUSED: ${message}`, error: { code: "GOVERNOR_REFUSED", message } };
  }
  return undefined;
}

/** The governor's last notice when no person spoke after it (before `before`: the messages since are judged one by one). */
function governorTrip(messages: readonly RoomMessage[], before: string): Outcome | undefined {
  let trip: RoomMessage | undefined;
  for (const m of messages) {
    if (m.timestamp > before) break;
    if (m.kind === "human") trip = undefined;
    else if (m.kind === "system" && GOVERNOR_NOTICE.test(m.content)) trip = m;
  }
  return trip && judge(trip, { id: "", name: "", userId: "", description: "" }, undefined);
}

function refused(err: RoomsError, state = TaskState.TASK_STATE_REJECTED): Outcome {
  const retry = err.retryAfter ? { retry_after: err.retryAfter } : {};
  return { state, text: `${err.code}: ${err.message}`, error: { code: err.code, message: err.message, ...retry } };
}

function callerOf(context: ServerCallContext): RoomAgentUser {
  const user = context.user;
  if (!(user instanceof RoomAgentUser)) throw new RoomsError("UNAUTHORIZED", "missing Authorization: Bearer <your key> header");
  return user;
}

function textOf(message: Message): string {
  return message.parts
    .map((p) => (p.content?.$case === "text" ? p.content.value : ""))
    .filter((t) => t !== "")
    .join("\n");
}

function textPart(text: string) {
  return { content: { $case: "text" as const, value: text }, metadata: undefined, filename: "", mediaType: "text/plain" };
}

function agentMessage(taskId: string, contextId: string, text: string): Message {
  return {
    messageId: randomUUID(),
    contextId,
    taskId,
    role: Role.ROLE_AGENT,
    parts: [textPart(text)],
    metadata: undefined,
    extensions: [],
    referenceTaskIds: [],
  };
}
