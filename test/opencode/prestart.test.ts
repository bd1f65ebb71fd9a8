import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScriptedModel, type ScriptedModel } from "../../src/demo-model/index.js";
import type { OpencodeRuntime, RuntimeAgent } from "../../src/opencode/index.js";
import { startToolApi, type ToolApi } from "../helpers/api.js";
import { captureLogs } from "../helpers/logs.js";
import { childAgentsMd, makeAgentTree, testRuntime, type AgentTree } from "../helpers/opencode.js";
import { opencodeProcessesUnder } from "../helpers/proc.js";

const chef: RuntimeAgent = { id: "chef", name: "Chef Bot", persona: "", port: 0, role: "child" };

/** A start (and so a restart) begins OpenCode's server and the bots' project before any bot is restored. */
describe("project mode: prestart", () => {
  let tree: AgentTree;
  let model: ScriptedModel;
  let api: ToolApi;
  let runtime: OpencodeRuntime;
  const logs = captureLogs("info");

  beforeAll(async () => {
    tree = await makeAgentTree({ chef: childAgentsMd("Chef Bot", "A cheerful Italian chef.") });
    model = await createScriptedModel();
    api = await startToolApi();
    runtime = await testRuntime(tree, model.url, api.url, {
      mode: "project",
      projectKey: api.issue("_bots", "project"),
      logger: logs.logger,
      promptTimeoutMs: 20_000,
      queueLimit: 8,
    });
    api.setSessionAgent((id) => runtime.agentOfSession(id));
  }, 60_000);

  afterAll(async () => {
    await runtime?.close();
    await model?.close();
    await api?.close();
    await tree?.cleanup();
  });

  it("starts the one server with no agent registered; the bots restored after it use it as it is", async () => {
    await runtime.prestart();
    const [server] = runtime.diagnostics.stats();
    expect(runtime.diagnostics.stats()).toHaveLength(1);
    expect(server).toMatchObject({ name: "project", agents: [] });
    expect(server!.pid).toBeGreaterThan(0);
    expect(opencodeProcessesUnder(tree.root)).toHaveLength(1);
    await runtime.ensureAgent(chef, api.issue("chef", "child"));
    expect(runtime.diagnostics.serverOf("chef")!.pid).toBe(server!.pid);
    // The project's config was written by the prestart: the restore reloads nothing.
    expect(logs.lines.filter((l) => l.includes("unloading an OpenCode directory"))).toEqual([]);
    expect((await runtime.prompt("chef", "c1", "hello")).text).toContain("Chef Bot");
  });

  it("close leaves no opencode process behind", async () => {
    await runtime.close();
    expect(opencodeProcessesUnder(tree.root)).toEqual([]);
  });
});
