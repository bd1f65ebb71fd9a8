import { chmod, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import getPort from "get-port";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScriptedModel, type ScriptedModel } from "../../src/demo-model/index.js";
import { createOpencodeRuntime, type OpencodeRuntime, type RuntimeAgent } from "../../src/opencode/index.js";
import { BOBB_AGENTS_MD, childAgentsMd, makeAgentTree, testLogger, type AgentTree, RUNTIME_LIMITS } from "../helpers/opencode.js";
import { startToolApi, type ToolApi } from "../helpers/api.js";
import { opencodeProcessesUnder, processesUnder } from "../helpers/proc.js";
import { waitFor } from "../helpers/wait.js";

describe("OpenCode runtime, isolated mode (one real opencode server per agent)", () => {
  let tree: AgentTree;
  let model: ScriptedModel;
  let api: ToolApi;
  let runtime: OpencodeRuntime;
  let bobb: RuntimeAgent;
  let chef: RuntimeAgent;
  const failures: { agent: string; message: string }[] = [];
  const keys: Record<string, string> = {};

  beforeAll(async () => {
    tree = await makeAgentTree({ bobb: BOBB_AGENTS_MD, chef: childAgentsMd("Chef Bot", "A cheerful Italian chef who only cooks pasta.") });
    model = await createScriptedModel();
    api = await startToolApi();
    keys.bobb = api.issue("bobb", "bobb");
    keys.chef = api.issue("chef", "child");
    bobb = { id: "bobb", name: "BoBB", persona: "", port: await getPort(), role: "bobb" };
    chef = { id: "chef", name: "Chef Bot", persona: "pasta", port: await getPort(), role: "child" };
    runtime = createOpencodeRuntime({
      ...RUNTIME_LIMITS,
      mode: "isolated",
      dataDir: tree.dataDir,
      agentsDir: tree.agentsDir,
      basePort: 0,
      model: { kind: "demo", baseUrl: model.url },
      apiUrl: api.url,
      logger: testLogger(),
      promptTimeoutMs: 60_000,
      restart: { baseMs: 100, maxFailures: 1 },
    });
    runtime.on("failure", (agent, message) => failures.push({ agent, message }));
    await Promise.all([runtime.ensureAgent(bobb, keys.bobb), runtime.ensureAgent(chef, keys.chef)]);
  });

  afterAll(async () => {
    await runtime?.close();
    await model?.close();
    await api?.close();
    await tree?.cleanup();
  });

  it("runs one server per agent on the agent's port, each answering in its own persona", async () => {
    const stats = runtime.diagnostics.stats();
    expect(stats.map((s) => [s.name, s.port]).sort()).toEqual(
      [
        ["bobb", bobb.port],
        ["chef", chef.port],
      ].sort(),
    );
    for (const s of stats) {
      expect(s.rssBytes).toBeGreaterThan(50 * 1024 * 1024);
      expect(s.startMs).toBeGreaterThan(0);
    }
    const [a, b] = await Promise.all([runtime.prompt("chef", "c1", "hello"), runtime.prompt("bobb", "c1", "hello")]);
    expect(a.text).toContain("Chef Bot");
    expect(b.text).toContain("BoBB");
    expect(model.requests.find((r) => r.agent === "chef")!.view.system).toContain("Italian chef");
    expect(model.requests.find((r) => r.agent === "bobb")!.view.system).not.toContain("Italian chef");
  });

  it("every server answers 401 without its password", async () => {
    for (const s of runtime.diagnostics.stats()) expect((await fetch(`http://127.0.0.1:${s.port}/global/health`)).status).toBe(401);
  });

  it("send_message reaches the tool API with the key from the server's environment", async () => {
    model.setRules([
      { agent: "chef", user: "post", reply: { toolCalls: [{ name: "send_message", args: { channel_id: "7", content: "Buon appetito", reply_to: "8" } }] } },
      { agent: "chef", user: "post", after: "tool", reply: (v) => `sent: ${v.toolResults[0]!.output}` },
    ]);
    const res = await runtime.prompt("chef", "c2", "post it");
    model.setRules([]);
    expect(res.usedTools).toEqual(["send_message"]);
    expect(res.text).toContain("message_ids");
    const call = api.calls.find((c) => c.url === "/api/discord/send")!;
    expect(call).toMatchObject({ agentId: "chef", key: keys.chef, body: { channel_id: "7", content: "Buon appetito", reply_to: "8" } });
    // The key is nowhere in what the model saw, nor in the agent's files.
    expect(model.requests.some((r) => r.raw.includes(keys.chef!))).toBe(false);
  });

  it("a prompt that takes too long ends with TIMEOUT and the next prompt works", async () => {
    model.setRules([{ agent: "bobb", user: "ponder", reply: "never", delayMs: 60_000 }]);
    const began = Date.now();
    await expect(runtime.prompt("bobb", "t", "ponder forever", { timeoutMs: 3000 })).rejects.toMatchObject({
      code: "TIMEOUT",
      message: expect.stringContaining("3000 ms"),
    });
    expect(Date.now() - began).toBeLessThan(8000);
    model.setRules([]);
    expect((await runtime.prompt("bobb", "t", "hello")).text).toContain("BoBB");
  });

  it("restarts a server killed with SIGKILL; after repeated crashes it reports the failure and the other agent keeps running", async () => {
    const first = runtime.diagnostics.serverOf("chef")!.pid!;
    process.kill(first, "SIGKILL");
    await waitFor(
      () => runtime.diagnostics.stats().find((s) => s.name === "chef")?.restarts === 1 && runtime.diagnostics.serverOf("chef")?.pid !== first,
      10_000,
      "chef restarted",
    );
    const again = await runtime.prompt("chef", "c3", "hello after crash");
    expect(again.text).toContain("Chef Bot");
    // Second crash within the stable window: maxFailures (1) is exceeded.
    process.kill(runtime.diagnostics.serverOf("chef")!.pid!, "SIGKILL");
    await waitFor(() => failures.length > 0, 10_000, "failure reported");
    expect(failures[0]).toMatchObject({ agent: "chef" });
    expect(failures[0]!.message).toMatch(/chef.*exited unexpectedly/);
    await expect(runtime.prompt("chef", "c3", "anyone?")).rejects.toMatchObject({ code: "AGENT_UNAVAILABLE" });
    expect((await runtime.prompt("bobb", "c3", "still here?")).text).toContain("BoBB");
    // ensureAgent brings a failed agent back.
    await runtime.ensureAgent(chef, keys.chef!);
    expect((await runtime.prompt("chef", "c3", "back?")).text).toContain("Chef Bot");
  });

  it("close leaves no opencode process behind", async () => {
    expect(opencodeProcessesUnder(tree.root).length).toBe(2);
    await runtime.close();
    expect(opencodeProcessesUnder(tree.root)).toEqual([]);
  });
});

describe("OpenCode runtime with an OpenAI-compatible provider (e.g. Ollama) and a model key", () => {
  it("passes the key only through the server environment and uses the configured model", async () => {
    const tree = await makeAgentTree({ chef: childAgentsMd("Chef Bot", "A cheerful Italian chef.") });
    const model = await createScriptedModel({ rules: [{ reply: "ciao" }] });
    const secret = "sk-test-model-key-1234567890";
    const runtime = createOpencodeRuntime({
      ...RUNTIME_LIMITS,
      mode: "isolated",
      dataDir: tree.dataDir,
      agentsDir: tree.agentsDir,
      basePort: 0,
      model: { kind: "openai-compatible", baseUrl: model.url, model: "ollama/llama3.1", apiKey: secret },
      apiUrl: "http://127.0.0.1:9",
      logger: testLogger(),
    });
    try {
      await runtime.ensureAgent({ id: "chef", name: "Chef Bot", persona: "", port: await getPort(), role: "child" }, "child-key");
      expect((await runtime.prompt("chef", "c", "hello")).text).toBe("ciao");
      const request = model.requests.at(-1)!;
      expect(request.apiKey).toBe(secret);
      expect(JSON.parse(request.raw)).toMatchObject({ model: "llama3.1" });
      const config = await readFile(path.join(tree.agentsDir, "chef", "opencode.json"), "utf8");
      expect(config).not.toContain(secret);
      expect(config).toContain("{env:BOBB_MODEL_API_KEY}");
    } finally {
      await runtime.close();
      await model.close();
      await tree.cleanup();
    }
  });
});

describe("OpenCode server start failures", () => {
  let tree: AgentTree;

  beforeAll(async () => {
    tree = await makeAgentTree({ chef: childAgentsMd("Chef Bot", "pasta") });
  });
  afterAll(async () => tree?.cleanup());

  const runtimeWith = (command: string, healthTimeoutMs: number) =>
    createOpencodeRuntime({
      ...RUNTIME_LIMITS,
      mode: "isolated",
      command,
      dataDir: tree.dataDir,
      agentsDir: tree.agentsDir,
      basePort: 0,
      healthTimeoutMs,
      model: { kind: "demo", baseUrl: "http://127.0.0.1:9/v1" },
      apiUrl: "http://127.0.0.1:9",
      logger: testLogger(),
    });

  it("a server that exits names the agent and quotes its stderr", async () => {
    const script = path.join(tree.root, "crash.sh");
    await writeFile(script, "#!/bin/sh\necho 'boom: config is broken' >&2\nexit 3\n");
    await chmod(script, 0o755);
    const rt = runtimeWith(script, 5000);
    const error = await rt.ensureAgent({ id: "chef", name: "Chef", persona: "", port: await getPort(), role: "child" }, "k").catch((e: Error) => e);
    expect(String(error)).toMatch(/agent "chef".*exited while starting[\s\S]*boom: config is broken/);
    await rt.close();
  });

  it("a server that never gets healthy times out with its stderr, and is killed with its whole group", async () => {
    const script = path.join(tree.root, "hang.sh");
    await writeFile(script, "#!/bin/sh\necho 'still booting' >&2\nsleep 300 &\nsleep 300\n");
    await chmod(script, 0o755);
    const rt = runtimeWith(script, 1500);
    const error = await rt.ensureAgent({ id: "chef", name: "Chef", persona: "", port: await getPort(), role: "child" }, "k").catch((e: Error) => e);
    expect(String(error)).toMatch(/agent "chef".*not healthy within 1500 ms[\s\S]*still booting/);
    await rt.close();
    await waitFor(() => processesUnder(tree.root, (cmd) => cmd.startsWith("sleep")).length === 0, 5000, "no sleep process left");
  });

  it("close during a start leaves no process behind", async () => {
    const rt = createOpencodeRuntime({
      ...RUNTIME_LIMITS,
      mode: "isolated",
      dataDir: tree.dataDir,
      agentsDir: tree.agentsDir,
      basePort: 0,
      model: { kind: "demo", baseUrl: "http://127.0.0.1:9/v1" },
      apiUrl: "http://127.0.0.1:9",
      logger: testLogger(),
    });
    const starting = rt.ensureAgent({ id: "chef", name: "Chef", persona: "", port: await getPort(), role: "child" }, "k").catch((e: Error) => e);
    await waitFor(() => opencodeProcessesUnder(tree.root).length > 0, 10_000, "opencode spawned");
    await rt.close();
    expect(String(await starting)).toMatch(/stopped while starting/);
    expect(opencodeProcessesUnder(tree.root)).toEqual([]);
  });
});
