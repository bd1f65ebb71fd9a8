import path from "node:path";
import getPort from "get-port";
import { startApp, type App } from "../../src/app.js";
import type { RoomsPort } from "../../src/discord/rooms/ports.js";
import { loadConfig } from "../../src/config/index.js";
import { createScriptedModel, type ScriptedModel } from "../../src/demo-model/index.js";
import { createSandbox, type Sandbox, type SandboxOptions } from "../../src/sandbox/index.js";
import { captureLogs } from "./logs.js";
import { tempDir } from "./temp.js";
import { waitFor } from "./wait.js";

/**
 * The whole product as `npm start` builds it (startApp), pointed at a sandbox and a scripted
 * model that the test owns, with every file in a temp dir.
 */
export interface Supervisor {
  app: App;
  sandbox: Sandbox;
  model: ScriptedModel;
  dir: string;
  logs: string[];
  adminKey: string;
  humanId: string;
  general: string;
  bobbUserId: string;
  /** Calls the tool API as the operator. */
  api(method: string, url: string, body?: unknown): Promise<{ status: number; body: string; json: () => unknown }>;
  /** Creates an agent through the API, an application in the sandbox portal, stores the token, waits until it is online. */
  addChild(name: string, persona: string): Promise<{ id: string; userId: string; applicationId: string; token: string }>;
  /** Messages of a channel as the sandbox stores them. */
  messages(channelId: string): Array<{ id: string; content: string; author: { id: string; bot?: boolean }; message_reference?: { message_id: string } }>;
  /** Stops the supervisor only (sandbox and model stay), for restart tests. */
  stopApp(): Promise<void>;
  /** Starts a new supervisor on the same files. */
  restartApp(): Promise<void>;
  close(): Promise<void>;
}

/** File locations inside `dir` and free ports for every listener, so a supervisor under test collides with nothing. */
export async function localEnv(dir: string): Promise<Record<string, string>> {
  return {
    BOBB_DATA_DIR: path.join(dir, "data"),
    BOBB_REGISTRY_PATH: path.join(dir, "registry.json"),
    BOBB_AGENTS_DIR: path.join(dir, "agents"),
    BOBB_API_PORT: String(await getPort()),
    SANDBOX_PORT: String(await getPort()),
    BOBB_OPENCODE_PORT: String(await getPort()),
    BOBB_CHILD_PORT_START: String(await getPort()),
    BOBB_ROOMS_PORT: String(await getPort()),
  };
}

export type OpencodeMode = "project" | "isolated" | "shared";

/** The mode suites run in unless they pin one: BOBB_OPENCODE_MODE (e.g. `BOBB_OPENCODE_MODE=isolated npx vitest run test/e2e`), else the default, project. */
export function testMode(): OpencodeMode {
  const mode = process.env.BOBB_OPENCODE_MODE;
  return mode === "isolated" || mode === "shared" ? mode : "project";
}

export interface SupervisorOptions {
  mode?: OpencodeMode;
  env?: Record<string, string>;
  /** Options of the test's sandbox (e.g. `tokenStyle: "jwt"` for a server whose tokens are JWTs). */
  sandbox?: SandboxOptions;
  /** A rooms core for outside agents (e.g. test/helpers/rooms-port.ts's fake), given to startApp. */
  rooms?: RoomsPort;
}

export async function startSupervisor(options: SupervisorOptions = {}): Promise<Supervisor> {
  const { dir, cleanup } = await tempDir("bobb-e2e-");
  const sandbox = await createSandbox(options.sandbox);
  const model = await createScriptedModel();
  const bobbApp = sandbox.control.createApplication("BoBB", { message_content_intent: true });
  sandbox.control.addBotToGuild(sandbox.control.guildId(), bobbApp.application_id);
  const humanId = sandbox.control.createUser("chris").id;
  const root = captureLogs("debug");
  const adminKey = "e2e-admin-key-0123456789abcdef";
  const env: Record<string, string> = {
    BOBB_DISCORD_TOKEN: bobbApp.token,
    DISCORD_API_URL: `${sandbox.url}/api`,
    BOBB_API_KEY: adminKey,
    ...(await localEnv(dir)),
    BOBB_OPENCODE_MODE: options.mode ?? testMode(),
    BOBB_LOGIN_SPACING: "0",
    LOG_LEVEL: "debug",
    ...options.env,
  };
  const config = loadConfig(env, dir);
  root.secrets.add(adminKey);
  let app: App | undefined = await startApp(config, root, { modelBaseUrl: model.url, ...(options.rooms ? { rooms: options.rooms } : {}) });
  const apiUrl = app.apiUrl;
  const api: Supervisor["api"] = async (method, url, body) => {
    const res = await fetch(apiUrl + url, {
      method,
      headers: { authorization: `Bearer ${adminKey}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text, json: () => JSON.parse(text) as unknown };
  };
  const self: Supervisor = {
    get app() {
      if (!app) throw new Error("the supervisor is stopped");
      return app;
    },
    sandbox,
    model,
    dir,
    logs: root.lines,
    adminKey,
    humanId,
    general: sandbox.control.channelId("general"),
    bobbUserId: bobbApp.bot_user_id,
    api,
    addChild: async (name, persona) => {
      const created = await api("POST", "/api/registry/agents", { name, persona });
      if (created.status !== 201) throw new Error(`create failed: ${created.body}`);
      const id = (created.json() as { agent: { id: string } }).agent.id;
      const appInfo = sandbox.control.createApplication(name, { message_content_intent: true });
      sandbox.control.addBotToGuild(sandbox.control.guildId(), appInfo.application_id);
      const put = await api("PUT", `/api/registry/agents/${id}`, { token: appInfo.token });
      if (put.status !== 200) throw new Error(`token failed: ${put.body}`);
      await waitFor(() => self.app.registry.snapshot.agents[id]?.status === "active" && self.app.bots.get(id), 60_000, `${name} active`);
      return { id, userId: appInfo.bot_user_id, applicationId: appInfo.application_id, token: appInfo.token };
    },
    messages: (channelId) => sandbox.control.listMessages(channelId) as unknown as ReturnType<Supervisor["messages"]>,
    stopApp: async () => {
      await app?.close();
      app = undefined;
    },
    restartApp: async () => {
      app = await startApp(config, root, { modelBaseUrl: model.url, ...(options.rooms ? { rooms: options.rooms } : {}) });
    },
    close: async () => {
      await app?.close();
      await model.close();
      await sandbox.close();
      await cleanup();
    },
  };
  return self;
}
