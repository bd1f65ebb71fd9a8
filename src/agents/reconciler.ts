import { EventEmitter } from "node:events";
import type { KeyStore, AgentRemovals, RemovalReport } from "../api/index.js";
import type { Logger } from "../log/index.js";
import { activationReason, type Agent, type ChangeOrigin, type RegistryChange, type RegistryPort, type WriteFence } from "../registry/index.js";
import { KeyedQueue } from "../queue/keyed-queue.js";
import { INTAKE_TEXT } from "./messages.js";
import type { ActivationOutcome, AgentBots, AgentFolders, AgentRuntime, AppPreparation } from "./ports.js";

export interface ReconcilerOptions {
  registry: RegistryPort;
  runtime: AgentRuntime;
  bots: AgentBots;
  keys: KeyStore;
  files: AgentFolders;
  logger: Logger;
  /** Sets up the bot's application (intent, description, avatar) before each login; none in tests that start bots only. */
  setup?: AppPreparation;
  now?: () => Date;
  /** Several hosts: the lease this host holds on the agent (undefined: another host runs it). Unset: one host runs every agent. */
  leases?: AgentLeases;
}

/** What the reconciler needs of this host's leases (lease mode only). */
export interface AgentLeases {
  fenceOf(agentId: string): Omit<WriteFence, "agentId"> | undefined;
  /** A write was refused by the fence: the lease is gone. */
  lose(agentId: string, reason: string): void;
}

interface Running {
  token: string;
  name: string;
}

const RUNNABLE = new Set(["ready_to_start", "active"]);

/** Fields whose change can alter what should run; our own bookkeeping writes are not among them. */
const RELEVANT = new Set(["token", "status", "name", "persona", "port"]);

/**
 * The activation watcher's one reconciler: desired state (registry) against running state
 * (OpenCode + Discord client), per agent, serialised, idempotent. It listens itself: to the
 * registry's changes (API, token intake, operator edits) and to the bots' and OpenCode
 * servers' failures; outside writers reach it through signal files (`signal`). Each start's
 * outcome is told as an `activation` event (token intake answers the person with it).
 */
export class Reconciler extends EventEmitter<{ activation: [ActivationOutcome] }> implements AgentRemovals {
  readonly #removals = new Map<string, Promise<RemovalReport>>();
  readonly #running = new Map<string, Running>();
  readonly #queues = new KeyedQueue();
  /** Token that last failed to start, so a failing bot is not retried on every registry write. */
  readonly #failed = new Map<string, string>();
  readonly #log: Logger;
  #closed = false;

  readonly #onChange = (change: RegistryChange, origin: ChangeOrigin) => this.#changed(change, origin);
  readonly #onFailure = (agentId: string, reason: string) => void this.markFailed(agentId, reason);

  constructor(private readonly options: ReconcilerOptions) {
    super();
    this.#log = options.logger.child({ component: "activation" });
    options.registry.on("change", this.#onChange);
    options.bots.on("failure", this.#onFailure);
    options.runtime.on("failure", this.#onFailure);
  }

  /** Registry change → reconcile the agent it touched; a new token, status or cleared error is a fresh try. */
  #changed(change: RegistryChange, origin: ChangeOrigin): void {
    if (change.type === "removed") {
      this.#startRemoval(change.id);
      return;
    }
    const retry = activationReason(change);
    if (change.type === "changed" && !retry && !change.fields.some((f) => RELEVANT.has(f))) return;
    if (change.type === "changed" && origin === "file" && (change.fields.includes("persona") || change.fields.includes("name"))) {
      void this.options.files.write(change.agent).catch((err: unknown) => this.#log.error({ err, agent: change.id }, "could not rewrite AGENTS.md"));
    }
    if (retry) {
      this.#log.debug({ agent: change.id, reason: retry }, "activation requested");
      this.#failed.delete(change.id);
    }
    void this.reconcile(change.id);
  }

  /** The removal under way (or just finished) for an agent the registry dropped; taken once. */
  whenRemoved(agentId: string): Promise<RemovalReport> | undefined {
    const removal = this.#removals.get(agentId);
    this.#removals.delete(agentId);
    return removal;
  }

  /**
   * Removal, from the API, BoBB's tool or a hand edit alike: stop the bot and its server, revoke
   * its key, delete its sessions, keep its folder under agents/.removed/. The token went with the entry.
   */
  #startRemoval(agentId: string): void {
    const removal = this.#queues.run(agentId, async (): Promise<RemovalReport> => {
      this.#running.delete(agentId);
      this.#failed.delete(agentId);
      this.options.keys.revoke(agentId);
      const [, removed] = await Promise.allSettled([this.options.bots.stop(agentId), this.options.runtime.removeAgent(agentId)]);
      const sessions = removed.status === "fulfilled" ? removed.value.sessions : 0;
      // A hand edit may add the agent back at once: its folder then stays where it is.
      const folder = this.options.registry.snapshot.agents[agentId] ? undefined : await this.options.files.archive(agentId);
      this.#log.info({ agent: agentId, sessions, folder }, "agent removed");
      return { folder, sessions };
    });
    const settled = removal.catch((err: unknown): RemovalReport => {
      this.#log.error({ err, agent: agentId }, "removal failed");
      return { folder: undefined, sessions: 0 };
    });
    this.#removals.set(agentId, settled);
    // Nobody asked (a hand edit): drop the report after a while.
    setTimeout(() => {
      if (this.#removals.get(agentId) === settled) this.#removals.delete(agentId);
    }, 60_000).unref();
  }

  /** An explicit request (signal file, intake): always tries again. */
  signal(agentId: string, reason: string): Promise<void> {
    this.#log.info({ agent: agentId, reason }, "activation signal");
    this.#failed.delete(agentId);
    return this.reconcile(agentId);
  }

  /** Brings one agent to its desired state; calls for the same agent run one after another. */
  reconcile(agentId: string): Promise<void> {
    return this.#queues.run(agentId, () => this.#reconcile(agentId)).catch((err: unknown) => this.#log.error({ err, agent: agentId }, "reconcile failed"));
  }

  /** Start-up restore: every ready_to_start/active agent (logins are staggered by the bot manager). */
  async restoreAll(): Promise<void> {
    await Promise.all(Object.keys(this.options.registry.snapshot.agents).map((id) => this.reconcile(id)));
  }

  /**
   * This host lost the agent's lease: the bot stops now, not behind a start in progress (a start that
   * finishes later is stopped by the reconcile queued after it); another host may soon log it in.
   */
  async leaseLost(agentId: string): Promise<void> {
    if (this.#running.has(agentId)) this.#log.info({ agent: agentId }, "lease lost; stopping the bot");
    await this.#stop(agentId);
    await this.reconcile(agentId);
  }

  /** A running bot failed for good (revoked token, lost connection): stop it and record why. */
  async markFailed(agentId: string, reason: string): Promise<void> {
    if (this.#closed) return;
    const running = this.#running.get(agentId);
    if (running) this.#failed.set(agentId, running.token);
    await this.#stop(agentId);
    await this.#recordError(agentId, reason);
  }

  /**
   * Stops taking work. Starts still in flight are not awaited: they wait on OpenCode servers
   * that the runtime's own close (after this one) kills, and they end quietly.
   */
  async close(): Promise<void> {
    this.#closed = true;
    this.options.registry.off("change", this.#onChange);
    this.options.bots.off("failure", this.#onFailure);
    this.options.runtime.off("failure", this.#onFailure);
  }

  async #reconcile(agentId: string): Promise<void> {
    if (this.#closed) return;
    const agent = this.options.registry.snapshot.agents[agentId];
    const leased = !this.options.leases || this.options.leases.fenceOf(agentId) !== undefined;
    const wanted = agent && RUNNABLE.has(agent.status) && agent.token && leased ? agent : undefined;
    const running = this.#running.get(agentId);
    if (!wanted) {
      if (running) {
        await this.#stop(agentId);
        this.#log.info({ agent: agentId, status: agent?.status ?? "removed" }, "agent stopped");
      }
      return;
    }
    if (running && running.token === wanted.token && running.name === wanted.name) {
      if (wanted.status !== "active") await this.#markActive(wanted);
      return;
    }
    if (!running && this.#failed.get(agentId) === wanted.token) return;
    if (running) this.#log.info({ agent: agentId }, "token or name changed; restarting the bot");
    await this.#start(wanted);
  }

  async #start(agent: Agent): Promise<void> {
    const { runtime, bots, keys } = this.options;
    const token = agent.token!;
    try {
      await bots.stop(agent.id);
      // Several hosts: the agent may have been created on another one, whose folder this host lacks.
      if (this.options.leases) await this.options.files.write(agent);
      const key = keys.issue(agent.id, "child");
      // OpenCode and the Discord login start together: the bot is online sooner, and a
      // message that arrives first simply waits for its OpenCode server to be ready.
      const [ensured, started] = await Promise.allSettled([
        runtime.ensureAgent({ id: agent.id, name: agent.name, persona: agent.persona, port: agent.port, role: "child" }, key),
        this.#login(agent, token),
      ]);
      if (ensured.status === "rejected") throw ensured.reason;
      if (started.status === "rejected") throw started.reason;
      const bot = started.value;
      this.#running.set(agent.id, { token, name: agent.name });
      this.#failed.delete(agent.id);
      await this.#markActive(agent, bot.client.user.id);
      this.#log.info({ agent: agent.id }, "agent active");
      this.emit("activation", { agentId: agent.id, ok: true, botUserId: bot.client.user.id });
    } catch (err) {
      // A start cut short by shutdown is not a failure of the agent: record nothing.
      if (this.#closed) return;
      this.#failed.set(agent.id, token);
      this.#log.error({ err, agent: agent.id }, `agent could not start: ${(err as Error).message}`);
      await this.#stop(agent.id);
      await this.#recordError(agent.id, (err as Error).message);
      this.emit("activation", { agentId: agent.id, ok: false, reason: (err as Error).message });
    }
  }

  /**
   * Sets the app up, then logs in. When Discord refuses to switch the MESSAGE CONTENT intent on
   * (a verified app) and it is off, the login would be refused too (4014): the person gets the
   * portal step instead, and no identify is spent.
   */
  async #login(agent: Agent, token: string): Promise<{ client: { user: { id: string } } }> {
    const setup = await this.options.setup?.prepare({ agentId: agent.id, name: agent.name, persona: agent.persona, token });
    if (setup?.intent === "refused") throw new Error(INTAKE_TEXT.intentPortalStep);
    return this.options.bots.start({ agentId: agent.id, name: agent.name, token });
  }

  async #stop(agentId: string): Promise<void> {
    this.#running.delete(agentId);
    this.options.keys.revoke(agentId);
    await Promise.allSettled([this.options.bots.stop(agentId), this.options.runtime.stopAgent(agentId)]);
  }

  /** Records status active, when it became so, and the bot's Discord user id (operators may set only the token). */
  async #markActive(agent: Agent, discordUserId?: string): Promise<void> {
    if (this.#closed) return;
    // Nothing to record (a restart, with the status already active): no write. Each write re-reads,
    // copies and parses the whole registry, so a thousand of them at a start cost O(N²) CPU.
    const known = this.options.registry.snapshot.agents[agent.id];
    if (
      known &&
      known.status === "active" &&
      known.activated_at &&
      known.last_error === null &&
      (discordUserId ?? known.discord_user_id) === known.discord_user_id
    )
      return;
    // Lease mode: each write carries its own agent's fence, so no batching.
    if (this.options.leases) return this.#writeMark(agent.id, discordUserId);
    // Bots coming online together are recorded in one write.
    this.#marks.set(agent.id, discordUserId);
    this.#marking ??= Promise.resolve().then(() => this.#writeMarks());
    await this.#marking;
  }

  readonly #marks = new Map<string, string | undefined>();
  #marking: Promise<void> | undefined;

  async #writeMarks(): Promise<void> {
    const marks = new Map(this.#marks);
    this.#marks.clear();
    this.#marking = undefined;
    const at = (this.options.now?.() ?? new Date()).toISOString();
    await this.options.registry
      .update((draft) => {
        for (const [id, discordUserId] of marks) {
          const current = draft.agents[id];
          if (current) draft.agents[id] = activeRecord(current, discordUserId, at);
        }
      })
      .catch((err: unknown) => this.#log.warn({ err, agents: [...marks.keys()] }, "could not record the active status"));
  }

  async #writeMark(agentId: string, discordUserId: string | undefined): Promise<void> {
    const at = (this.options.now?.() ?? new Date()).toISOString();
    await this.options.registry
      .update((draft) => {
        const current = draft.agents[agentId];
        if (current) draft.agents[agentId] = activeRecord(current, discordUserId, at);
      }, this.#fence(agentId))
      .catch((err: unknown) => this.#writeFailed(agentId, err, "could not record the active status"));
  }

  async #recordError(agentId: string, message: string): Promise<void> {
    await this.options.registry
      .update((draft) => {
        const current = draft.agents[agentId];
        if (current) draft.agents[agentId] = { ...current, last_error: message.slice(0, 500) };
      }, this.#fence(agentId))
      .catch((err: unknown) => this.#writeFailed(agentId, err, "could not record last_error"));
  }

  /** Lease mode: this host's writes about an agent carry its lease (the fencing token); none when it holds none. */
  #fence(agentId: string): { fence?: WriteFence } {
    const leases = this.options.leases;
    if (!leases) return {};
    const held = leases.fenceOf(agentId);
    // Not held (any more): the write is refused as a stale host's would be.
    return { fence: { agentId, ...(held ?? { nodeId: "(none)", generation: -1 }) } };
  }

  #writeFailed(agentId: string, err: unknown, what: string): void {
    if ((err as { code?: unknown }).code === "LEASE_LOST") {
      this.#log.warn({ agent: agentId }, `${what}: this host no longer holds the agent's lease; stopping the bot`);
      this.options.leases?.lose(agentId, "a write was refused by the fence");
      void this.leaseLost(agentId);
      return;
    }
    this.#log.warn({ err, agent: agentId }, what);
  }
}

/** An agent's record once its bot is online: active (since when), its Discord user id, no error. */
function activeRecord(current: Agent, discordUserId: string | undefined, at: string): Agent {
  return {
    ...current,
    status: current.status === "ready_to_start" ? "active" : current.status,
    activated_at: current.status === "active" && current.activated_at ? current.activated_at : at,
    discord_user_id: discordUserId ?? current.discord_user_id ?? null,
    last_error: null,
  };
}
