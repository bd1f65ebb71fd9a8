import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScriptedModel, type ScriptedModel } from "../../src/demo-model/index.js";
import type { OpencodeRuntime, RuntimeAgent } from "../../src/opencode/index.js";
import { PgSessionStore } from "../../src/store/pg/session-store.js";
import { startToolApi, type ToolApi } from "../helpers/api.js";
import { childAgentsMd, makeAgentTree, testRuntime, type AgentTree } from "../helpers/opencode.js";
import { postgresOrSkip } from "../helpers/postgres.js";

const { pg: server, skip } = await postgresOrSkip();
if (skip) console.warn(skip);

const chef: RuntimeAgent = { id: "chef", name: "Chef Bot", persona: "cooks pasta", port: 0, role: "child" };

/**
 * A bot moves hosts: the session map (PostgreSQL) comes along, the OpenCode session data (the old
 * host's data dir) does not. The new host finds the mapped id unknown to its server and starts a
 * new session; the prompt carries the channel's recent history, so the bot keeps the thread.
 */
describe.skipIf(skip !== undefined)("a bot's conversation after a move to another host (real opencode, PostgreSQL session map)", () => {
  let model: ScriptedModel;
  let api: ToolApi;
  let url: string;
  let key: string;
  const trees: AgentTree[] = [];
  const runtimes: OpencodeRuntime[] = [];

  const host = async () => {
    const tree = await makeAgentTree({ chef: childAgentsMd("Chef Bot", "A cheerful Italian chef who only cooks pasta.") });
    trees.push(tree);
    const runtime = await testRuntime(tree, model.url, api.url, {
      promptTimeoutMs: 20_000,
      queueLimit: 4,
      sessions: new PgSessionStore({ url, scope: "shared" }),
    });
    runtimes.push(runtime);
    await runtime.ensureAgent(chef, key);
    return runtime;
  };

  beforeAll(async () => {
    url = await server!.createDatabase("session_move");
    model = await createScriptedModel();
    api = await startToolApi();
    key = api.issue("chef", "child");
  });

  afterAll(async () => {
    for (const runtime of runtimes) await runtime.close();
    await model?.close();
    await api?.close();
    for (const tree of trees) await tree.cleanup();
    await server?.stop();
  });

  it("the new host starts a new OpenCode session for the mapped conversation, with the channel history in the prompt, and keeps using it", async () => {
    const a = await host();
    const first = await a.prompt("chef", "channel-1", "hello there, I am Ada", { usedTools: false });
    await a.close();

    const b = await host();
    const map = new PgSessionStore({ url, scope: "shared" });
    try {
      expect(await map.get("chef", "channel-1")).toBe(first.sessionId);
      // What the Discord side sends: the last messages of the channel, then the new one.
      const prompt = "Recent messages:\nAda: hello there, I am Ada\nChef Bot [BOT]: Ciao!\n\nAda: what was my name?";
      const moved = await b.prompt("chef", "channel-1", prompt, { usedTools: false });
      expect(moved.sessionId).not.toBe(first.sessionId);
      expect(moved.text).toContain("Chef Bot");
      expect(model.requests.at(-1)?.view.lastUser).toContain("Ada: hello there, I am Ada");
      expect(await map.get("chef", "channel-1")).toBe(moved.sessionId);
      const again = await b.prompt("chef", "channel-1", "and now?", { usedTools: false });
      expect(again.sessionId).toBe(moved.sessionId);
    } finally {
      await map.close();
    }
  });
});
