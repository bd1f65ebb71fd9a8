import { mkdir, writeFile } from "node:fs/promises";
import getPort from "get-port";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScriptedModel, type ScriptedModel } from "../../src/demo-model/index.js";
import { CHILD_TOOLS, createOpencodeRuntime, type OpencodeRuntime, type RuntimeAgent } from "../../src/opencode/index.js";
import { childAgentsMd, makeAgentTree, testLogger, type AgentTree, RUNTIME_LIMITS } from "../helpers/opencode.js";
import { startToolApi, type ToolApi } from "../helpers/api.js";

const chef: RuntimeAgent = { id: "chef", name: "Chef Bot", persona: "cooks pasta", port: 0, role: "child" };
const extra: RuntimeAgent = { id: "extra", name: "Extra Bot", persona: "has a tool file", port: 0, role: "child" };
const plugged: RuntimeAgent = { id: "plugged", name: "Plugged Bot", persona: "has a plugin", port: 0, role: "child" };
const DAY = 24 * 3_600_000;

/** Deny by default, the start check of offered tools, idle session expiry and the per-agent prompt bound, on one real shared server. */
describe("OpenCode runtime limits (real opencode, scripted model)", () => {
  let tree: AgentTree;
  let model: ScriptedModel;
  let api: ToolApi;
  let runtime: OpencodeRuntime;
  let clock = Date.now();
  const keys: Record<string, string> = {};

  beforeAll(async () => {
    tree = await makeAgentTree({
      chef: childAgentsMd("Chef Bot", "A cheerful Italian chef."),
      extra: childAgentsMd("Extra Bot", "x"),
      plugged: childAgentsMd("Plugged Bot", "y"),
    });
    // A custom tool file in a directory OpenCode also loads (tools/, beside our tool/), and a plugin that adds a tool.
    await mkdir(`${tree.agentsDir}/extra/.opencode/tools`, { recursive: true });
    await writeFile(
      `${tree.agentsDir}/extra/.opencode/tools/shell.ts`,
      `import { z } from "zod";\nexport default { description: "runs anything", args: { cmd: z.string() }, async execute() { return "ran"; } };\n`,
    );
    await mkdir(`${tree.agentsDir}/plugged/.opencode/plugin`, { recursive: true });
    await writeFile(
      `${tree.agentsDir}/plugged/.opencode/plugin/more.ts`,
      `import { z } from "zod";\nexport const More = async () => ({ tool: { fetch_url: { description: "fetches", args: { url: z.string() }, async execute() { return "page"; } } } });\n`,
    );
    model = await createScriptedModel();
    api = await startToolApi();
    for (const a of [chef, extra, plugged]) keys[a.id] = api.issue(a.id, "child");
    runtime = createOpencodeRuntime({
      ...RUNTIME_LIMITS,
      mode: "shared",
      dataDir: tree.dataDir,
      agentsDir: tree.agentsDir,
      basePort: await getPort(),
      model: { kind: "demo", baseUrl: model.url },
      apiUrl: api.url,
      logger: testLogger(),
      agentConcurrency: 2,
      sessionIdleMs: 7 * DAY,
      now: () => clock,
    });
    await runtime.ensureAgent(chef, keys.chef!);
  }, 120_000);

  afterAll(async () => {
    await runtime?.close();
    await model?.close();
    await api?.close();
    await tree?.cleanup();
  });

  it("offers the model exactly our tools", async () => {
    await runtime.prompt("chef", "tools", "hello");
    const offered = model.requests.filter((r) => r.agent === "chef" && r.view.tools.length > 0).flatMap((r) => r.view.tools);
    expect([...new Set(offered)].sort()).toEqual([...CHILD_TOOLS].sort());
  });

  it("an agent offered an extra tool (a tool file or a plugin) is refused at start, naming the tool", async () => {
    await expect(runtime.ensureAgent(extra, keys.extra!)).rejects.toThrow(/offered tools besides its own: shell/);
    await expect(runtime.ensureAgent(plugged, keys.plugged!)).rejects.toThrow(/offered tools besides its own: fetch_url/);
    await expect(runtime.prompt("extra", "c", "hi")).rejects.toMatchObject({ code: "AGENT_UNAVAILABLE" });
    expect(model.requests.some((r) => r.agent === "extra" || r.agent === "plugged")).toBe(false);
    // The agent that is offered only its own tools keeps running.
    expect((await runtime.prompt("chef", "tools", "still here?")).text).toContain("Chef Bot");
  });

  it("runs at most agentConcurrency prompts of one agent at once across conversations; the rest wait in order", async () => {
    model.setRules([{ agent: "chef", user: /^busy \d$/, reply: "done", delayMs: 600 }]);
    const results = await Promise.all([0, 1, 2, 3].map((i) => runtime.prompt("chef", `busy-${i}`, `busy ${i}`)));
    model.setRules([]);
    expect(results.map((r) => r.text)).toEqual(["done", "done", "done", "done"]);
    const starts = model.requests
      .filter((r) => r.agent === "chef" && /^busy \d$/.test(r.view.lastUser))
      .map((r) => ({ i: r.view.lastUser, at: r.at }))
      .sort((a, b) => a.at - b.at);
    expect(starts).toHaveLength(4);
    // Two start together; the third only once one of them has finished (600 ms later).
    expect(starts[2]!.at - starts[0]!.at).toBeGreaterThanOrEqual(500);
    expect(
      starts
        .slice(2)
        .map((s) => s.i)
        .sort(),
    ).toEqual(["busy 2", "busy 3"]);
  });

  it("deletes sessions idle longer than sessionIdleMs, on the server and in the store", async () => {
    const old = await runtime.prompt("chef", "old", "remember BASIL");
    clock += 6 * DAY;
    const recent = await runtime.prompt("chef", "recent", "hello");
    clock += 1 * DAY + 1000;
    const expired = await runtime.expireIdleSessions();
    expect(expired).toBeGreaterThanOrEqual(1);
    const server = runtime.diagnostics.serverOf("chef")!;
    const dir = encodeURIComponent(`${tree.agentsDir}/chef`);
    expect((await server.fetch(`/session/${old.sessionId}?directory=${dir}`)).status).toBe(404);
    expect((await server.fetch(`/session/${recent.sessionId}?directory=${dir}`)).ok).toBe(true);
    const again = await runtime.prompt("chef", "old", "what was the word?");
    expect(again.sessionId).not.toBe(old.sessionId);
    expect((await runtime.prompt("chef", "recent", "again")).sessionId).toBe(recent.sessionId);
  });
});
