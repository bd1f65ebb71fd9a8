import type { AddressInfo } from "node:net";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import { createApi, KeyStore, type ApiDeps, SESSION_HEADER, type DiscordActions, type KeyRole, type LiveTurn, type SendRequest } from "../../src/api/index.js";
import { archiveAgentFolder, TemplateAgentFiles } from "../../src/agents/index.js";
import { activationReason, RegistryStore } from "../../src/registry/index.js";
import { captureLogs } from "./logs.js";
import { tempDir } from "./temp.js";

export const REPO_ROOT = path.resolve(import.meta.dirname, "../..");

export interface ApiHarness {
  app: FastifyInstance;
  registry: RegistryStore;
  keys: KeyStore;
  adminKey: string;
  bobbKey: string;
  dir: string;
  logs: string[];
  signals: Array<{ agentId: string; reason: string }>;
  setDiscord(actions: DiscordActions | undefined): void;
  /** Registers a live turn for an agent's calls; returns the headers (bearer key + session) that bind a call to it. */
  turn(key: string, turn: Partial<LiveTurn> & { agentId: string }): Record<string, string>;
  close(): Promise<void>;
}

/** The person of the harness's default turn (see `bearer`). */
export const HARNESS_AUTHOR = "900000000000000001";
/** The session id `bearer` sends: it binds to a default live turn of whichever agent calls. */
const HARNESS_SESSION = "harness-session";
const defaultTurn = (agentId: string): LiveTurn => ({
  id: `harness-${agentId}`,
  agentId,
  channelId: "100",
  guildId: "1",
  messageId: "1",
  authorId: HARNESS_AUTHOR,
  authorName: "harness person",
  authorManagesGuild: false,
});

/** A real registry in a temp dir and a real Fastify tool API over it (not ready yet, so hooks can be added). */
/** `anySession`: every call with a session id binds to a default turn (real OpenCode tools send real session ids). */
async function buildApi(anySession = false, extra: Partial<ApiDeps> = {}): Promise<Omit<ApiHarness, "adminKey" | "bobbKey">> {
  const { dir, cleanup } = await tempDir();
  const root = captureLogs();
  const registry = new RegistryStore({ file: path.join(dir, "registry.json"), firstPort: 4097, logger: root.logger });
  await registry.open();
  const keys = new KeyStore((key) => root.secrets.add(key));
  let discord: DiscordActions | undefined;
  // What the activation watcher would act on: registry changes that ask for a (re)start.
  const signals: Array<{ agentId: string; reason: string }> = [];
  const turns = new Map<string, LiveTurn>();
  const agentsDir = path.join(dir, "agents");
  // Removal as the activation watcher does it, minus the bots and servers the harness does not run.
  const removals = new Map<string, Promise<{ folder: string | undefined; sessions: number }>>();
  registry.on("change", (change) => {
    if (change.type === "removed")
      removals.set(
        change.id,
        archiveAgentFolder(agentsDir, change.id).then((folder) => ({ folder, sessions: 0 })),
      );
  });
  registry.on("change", (change) => {
    const reason = activationReason(change);
    if (reason) signals.push({ agentId: change.id, reason });
  });
  const app = createApi({
    registry,
    keys,
    files: new TemplateAgentFiles(agentsDir, root.logger, path.join(REPO_ROOT, "agents")),
    logger: root.logger,
    discord: () => discord,
    reservedPorts: new Set([3456, 4096]),
    turns: (agentId, sessionId) => (sessionId === HARNESS_SESSION || anySession ? defaultTurn(agentId) : turns.get(sessionId)),
    removals: () => ({ whenRemoved: (id) => removals.get(id) }),
    ...extra,
  });
  return {
    app,
    registry,
    keys,
    dir,
    logs: root.lines,
    signals,
    setDiscord: (actions) => void (discord = actions),
    turn: (key, turn) => {
      const session = `harness-turn-${turns.size + 1}`;
      turns.set(session, { ...defaultTurn(turn.agentId), id: session, ...turn });
      return { authorization: `Bearer ${key}`, [SESSION_HEADER]: session };
    },
    close: async () => {
      await app.close();
      await registry.close();
      await cleanup();
    },
  };
}

/** Bearer header for a key, bound to the harness's default live turn (author HARNESS_AUTHOR in channel 100). */
export const bearer = (key: string) => ({ authorization: `Bearer ${key}`, [SESSION_HEADER]: HARNESS_SESSION });

/** The real tool API over a temp registry, ready for `app.inject`, with an admin and a BoBB key. */
export async function startApiHarness(extra: Partial<ApiDeps> = {}): Promise<ApiHarness> {
  const api = await buildApi(false, extra);
  const adminKey = api.keys.register("admin-key-for-tests-0123456789", "admin", "admin");
  const bobbKey = api.keys.issue("bobb", "bobb");
  await api.app.ready();
  return { ...api, adminKey, bobbKey };
}

/** One request the tool API answered, as the agent's tool sent it. */
export interface ToolApiCall {
  method: string;
  url: string;
  status: number;
  /** Who the bearer key belongs to (undefined for an unknown key). */
  agentId: string | undefined;
  role: KeyRole | undefined;
  key: string | undefined;
  /** The OpenCode session id the tool sent (the turn binding). */
  session: string | undefined;
  body: unknown;
}

/** The real tool API on a loopback port for OpenCode's tools, recording every request it answers. */
export interface ToolApi {
  url: string;
  calls: ToolApiCall[];
  /** A key for an agent, as the runtime issues them ("project": the key of project mode's shared tools). */
  issue(agentId: string, role: "bobb" | "child" | "project"): string;
  /** Project mode: who runs in a session (the runtime's `agentOfSession`, once the runtime exists). */
  setSessionAgent(lookup: (sessionId: string) => string | undefined): void;
  /** What the Discord side was asked to post. */
  sent: Array<{ agentId: string; request: SendRequest }>;
  close(): Promise<void>;
}

/** Starts the real tool API (temp registry, a recording Discord side) on a free loopback port. */
export async function startToolApi(): Promise<ToolApi> {
  let lookup: (sessionId: string) => string | undefined = () => undefined;
  const api = await buildApi(true, { sessionAgent: (sessionId: string) => lookup(sessionId) });
  const calls: ToolApiCall[] = [];
  const sent: ToolApi["sent"] = [];
  let n = 0;
  api.setDiscord({
    send: async (agentId, request) => {
      sent.push({ agentId, request });
      return { message_ids: [String(1_000_000 + ++n)], warnings: [] };
    },
    members: async () => [{ id: "1", name: "Chef Bot", bot: true }],
  });
  // onSend runs for every answer, refusals included, so a call the scopes refused is recorded too.
  api.app.addHook("onSend", async (req, reply, payload) => {
    const key = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
    const who = req.identity ?? (key ? api.keys.resolve(key) : undefined);
    const session = req.headers[SESSION_HEADER];
    calls.push({
      method: req.method,
      url: req.url,
      status: reply.statusCode,
      agentId: who?.agentId,
      role: who?.role,
      key,
      session: typeof session === "string" ? session : undefined,
      body: req.body,
    });
    return payload;
  });
  await api.app.listen({ host: "127.0.0.1", port: 0 });
  const { port } = api.app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    sent,
    issue: (agentId, role) => api.keys.issue(agentId, role),
    setSessionAgent: (fn) => void (lookup = fn),
    close: api.close,
  };
}
