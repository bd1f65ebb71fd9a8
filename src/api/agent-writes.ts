import path from "node:path";
import {
  addAgent,
  agentUsingToken,
  findByName,
  allocatePort,
  toPublicAgent,
  withToken,
  RegistryError,
  type Agent,
  type PublicAgent,
} from "../registry/index.js";
import type { RegistryPort } from "../registry/index.js";
import { assertMayChange } from "./authority.js";
import { ChangeLimiter } from "./change-limit.js";
import { ApiError } from "./errors.js";
import type { KeyIdentity } from "./keys.js";
import type { AgentFiles, AgentRemovals, DiscordActions, LiveTurn } from "./ports.js";
import { parseInput } from "./validate.js";
import { createBody, updateBody, type UpdateBody } from "./routes/registry-input.js";

const DEFAULT_CHANGES_PER_HOUR = 5;

/** Who asks for a write: the caller's key and, for BoBB, the live turn (a message or a slash command) it acts for. */
export interface WriteActor {
  identity: KeyIdentity;
  turn?: LiveTurn | undefined;
}

export interface AgentWritesOptions {
  registry: RegistryPort;
  files: AgentFiles;
  discord: () => DiscordActions | undefined;
  reservedPorts: ReadonlySet<number>;
  removals?: (() => AgentRemovals | undefined) | undefined;
  /** Renames and persona changes per bot and hour through BoBB (BOBB_CHANGE_LIMIT); default 5. */
  changesPerHour?: number | undefined;
}

export interface RemovalResult {
  removed: { id: string; name: string };
  folder: string | null;
  sessions_deleted: number;
  message: string;
}

/**
 * Create, update and remove an agent: the one code path of the tool API's routes and BoBB's
 * slash commands. Input is parsed here (unknown in, a VALIDATION_ERROR naming the field out);
 * for BoBB every write is decided from the person of the live turn, never from the input.
 */
export class AgentWrites {
  readonly #o: AgentWritesOptions;
  readonly #limiter: ChangeLimiter;

  constructor(options: AgentWritesOptions) {
    this.#o = options;
    this.#limiter = new ChangeLimiter(options.changesPerHour ?? DEFAULT_CHANGES_PER_HOUR);
  }

  /** The agent `actor` may change; AGENT_NOT_FOUND or NOT_OWNER otherwise. */
  target(id: string, actor: WriteActor): Agent {
    const agent = this.#o.registry.snapshot.agents[id];
    if (!agent) throw new ApiError("AGENT_NOT_FOUND", `no agent with id "${id}"`);
    assertMayChange(agent, actor.identity, actor.turn, this.#o.discord());
    return agent;
  }

  /** Refuses a name no new agent could take (invalid, or already used), before anything is asked of a model. */
  checkNewName(name: unknown): void {
    const body = parseInput(createBody.pick({ name: true }), { name }, "body");
    const taken = findByName(this.#o.registry.snapshot, body.name);
    if (taken) throw new RegistryError("AGENT_EXISTS", `an agent named "${taken.name}" already exists (id "${taken.id}")`);
  }

  async create(input: unknown, actor: WriteActor): Promise<PublicAgent> {
    const body = parseInput(createBody, input, "body");
    // The creator is whoever wrote the message BoBB is answering; a created_by the model sends is ignored.
    const createdBy = actor.identity.role === "admin" ? body.created_by : actor.turn?.authorId || undefined;
    const agent = await this.#o.registry.update(async (draft) => {
      const port = await allocatePort(draft, this.#o.reservedPorts);
      return addAgent(draft, { ...body, created_by: createdBy }, port, new Date());
    });
    await this.#o.files.write(agent);
    return toPublicAgent(agent);
  }

  async update(id: string, input: unknown, actor: WriteActor): Promise<PublicAgent> {
    const body = parseInput(updateBody, input, "body");
    const agent = this.target(id, actor);
    const viaBobb = actor.identity.role !== "admin";
    if (viaBobb) checkBobbUpdate(body);
    const restarts = body.name !== undefined || body.persona !== undefined || (body.status === "ready_to_start" && agent.status === "disabled");
    if (viaBobb && restarts) {
      const wait = this.#limiter.waitFor(agent.id);
      if (wait > 0) {
        const minutes = Math.max(1, Math.ceil(wait / 60_000));
        throw new ApiError(
          "RATE_LIMITED",
          `${agent.name} was changed too often (each change restarts it); try again in ${minutes} minute${minutes === 1 ? "" : "s"}`,
        );
      }
    }
    const after = await this.#o.registry.update((draft) => {
      const current = draft.agents[agent.id];
      if (!current) throw new ApiError("AGENT_NOT_FOUND", `no agent with id "${agent.id}"`);
      if (body.token && agentUsingToken(draft, body.token, agent.id)) {
        throw new ApiError("TOKEN_IN_USE", "that token already belongs to another agent");
      }
      const sameName = body.name === undefined ? undefined : findByName(draft, body.name, agent.id);
      if (sameName) throw new RegistryError("AGENT_EXISTS", `an agent named "${sameName.name}" already exists (id "${sameName.id}")`);
      const next: Agent = body.token !== undefined ? withToken(current, body.token, body.status) : { ...current };
      if (body.name !== undefined) next.name = body.name;
      if (body.persona !== undefined) next.persona = body.persona;
      // Re-enabling through BoBB leaves a bot that is not disabled as it is.
      if (body.status !== undefined && !(viaBobb && body.status === "ready_to_start" && current.status !== "disabled")) next.status = body.status;
      if (next.status !== "pending_token" && !next.token) {
        throw new ApiError("VALIDATION_ERROR", `body field "status": an agent without a token can only be pending_token`);
      }
      draft.agents[agent.id] = next;
      return next;
    });
    if (viaBobb && restarts) this.#limiter.record(agent.id);
    // The registry's change event starts, stops or restarts the agent (see activationReason).
    if (body.persona !== undefined || body.name !== undefined) await this.#o.files.write(after);
    return toPublicAgent(after);
  }

  async remove(id: string, actor: WriteActor): Promise<RemovalResult> {
    const agent = this.target(id, actor);
    await this.#o.registry.update((draft) => {
      if (!draft.agents[agent.id]) throw new ApiError("AGENT_NOT_FOUND", `no agent with id "${agent.id}"`);
      delete draft.agents[agent.id];
    });
    this.#limiter.forget(agent.id);
    // The registry's change event stops the bot and deletes its sessions; its folder is kept under agents/.removed/.
    const report = await this.#o.removals?.()?.whenRemoved(agent.id);
    const folder = report?.folder;
    return {
      removed: { id: agent.id, name: agent.name },
      folder: folder ?? null,
      sessions_deleted: report?.sessions ?? 0,
      message:
        `${agent.name} was removed: its bot is stopped, its token deleted and its conversations forgotten` +
        (folder ? `; its folder was moved to ${folder.split(path.sep).join("/")}` : "") +
        ".",
    };
  }
}

/** BoBB (its model) never handles tokens and only disables or re-enables. */
function checkBobbUpdate(body: UpdateBody): void {
  if (body.token !== undefined) throw new ApiError("FORBIDDEN", "tokens reach BoBB only by direct message or the token form, never through a tool");
  if (body.status !== undefined && body.status !== "disabled" && body.status !== "ready_to_start") {
    throw new ApiError("FORBIDDEN", 'through BoBB a bot can only be disabled ("disabled") or re-enabled ("ready_to_start")');
  }
}
