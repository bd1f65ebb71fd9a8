import { createScriptedModel, type Rule, type ScriptedModel } from "../../src/demo-model/index.js";
import { createSandbox, type ObservedEvent, type Sandbox } from "../../src/sandbox/index.js";

/** A child bot's Discord side: its application in the sandbox and its agent id. */
export interface BenchBot {
  index: number;
  agentId: string;
  name: string;
  persona: string;
  token: string;
  userId: string;
}

/** Every bench answer is this short text, from the instant model. */
export const PLAIN_RULES: Rule[] = [{ name: "bench", after: "any", reply: "ok" }];

/**
 * What the bench owns and the supervisor only connects to: the sandbox Discord (with BoBB,
 * a human and the child bots' applications, all in the guild) and the instant scripted model.
 */
export class World {
  readonly events: Array<ObservedEvent & { at: number }> = [];
  /** Replies by the id of the message they answer (the first one only), so waiting for one costs no scan. */
  readonly #replies = new Map<string, { at: number; authorId: string }>();
  readonly #waiting = new Map<string, (reply: { at: number; authorId: string }) => void>();
  #off: () => void;

  private constructor(
    readonly sandbox: Sandbox,
    readonly model: ScriptedModel,
    readonly bobb: { token: string; userId: string },
    readonly humanId: string,
    readonly bots: BenchBot[],
  ) {
    this.#off = sandbox.control.onEvent((e) => {
      if (e.t !== "MESSAGE_CREATE") return;
      const at = performance.now();
      this.events.push({ ...e, at });
      if (this.events.length > 20_000) this.events.splice(0, 10_000);
      const answered = (e.d.message_reference as { message_id?: string } | undefined)?.message_id;
      if (!answered || this.#replies.has(answered)) return;
      const reply = { at, authorId: (e.d.author as { id: string }).id };
      this.#replies.set(answered, reply);
      if (this.#replies.size > 20_000) this.#replies.delete(this.#replies.keys().next().value!);
      this.#waiting.get(answered)?.(reply);
    });
  }

  static async create(botCount: number): Promise<World> {
    const sandbox = await createSandbox({ rateLimits: { default: { limit: 10_000, windowMs: 1000 }, global: { limit: 100_000, windowMs: 1000 } } });
    const model = await createScriptedModel({ instant: true, demo: false, rules: PLAIN_RULES, maxRecorded: 20_000 });
    const control = sandbox.control;
    const guild = control.guildId();
    const bobbApp = control.createApplication("BoBB", { message_content_intent: true });
    control.addBotToGuild(guild, bobbApp.application_id);
    const humanId = control.createUser("bench-human").id;
    const bots: BenchBot[] = [];
    for (let i = 0; i < botCount; i++) {
      const name = `Bench Bot ${i}`;
      const app = control.createApplication(name, { message_content_intent: true });
      control.addBotToGuild(guild, app.application_id);
      bots.push({ index: i, agentId: `bench-${i}`, name, persona: `Benchmark bot number ${i}. Answers briefly.`, token: app.token, userId: app.bot_user_id });
    }
    return new World(sandbox, model, { token: bobbApp.token, userId: bobbApp.bot_user_id }, humanId, bots);
  }

  get general(): string {
    return this.sandbox.control.channelId("general");
  }

  get debate(): string {
    return this.sandbox.control.channelId("debate");
  }

  online(userId: string): boolean {
    return this.sandbox.control.isOnline(userId);
  }

  /** Posts as the human; returns the message id and the moment it was stored. */
  post(channelId: string, content: string): { id: string; at: number } {
    const at = performance.now();
    const message = this.sandbox.control.postMessage(channelId, this.humanId, content);
    return { id: String(message.id), at };
  }

  /**
   * The reply (a message referencing `messageId`) once posted, with its time. Event-driven: with
   * hundreds of waiters at once (one prompt to every bot) a polling scan of the event list would
   * take the CPU the sandbox and the supervisor need.
   */
  replyTo(messageId: string, timeoutMs: number): Promise<{ at: number; authorId: string }> {
    const seen = this.#replies.get(messageId);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(messageId);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for a reply to message ${messageId}`));
      }, timeoutMs);
      this.#waiting.set(messageId, (reply) => {
        clearTimeout(timer);
        this.#waiting.delete(messageId);
        resolve(reply);
      });
    });
  }

  /** Bot messages in a channel after a given time. */
  botMessagesSince(channelId: string, since: number): Array<{ at: number; content: string; authorId: string }> {
    return this.events
      .filter((e) => e.at > since && e.d.channel_id === channelId && (e.d.author as { bot?: boolean }).bot === true)
      .map((e) => ({ at: e.at, content: String(e.d.content), authorId: (e.d.author as { id: string }).id }));
  }

  /** A fresh application in the portal, added to the guild (activation runs). */
  newApplication(name: string): { token: string; userId: string } {
    const control = this.sandbox.control;
    const app = control.createApplication(name, { message_content_intent: true });
    control.addBotToGuild(control.guildId(), app.application_id);
    return { token: app.token, userId: app.bot_user_id };
  }

  async close(): Promise<void> {
    this.#off();
    await this.model.close();
    await this.sandbox.close();
  }
}
