import { readdir, readFile } from "node:fs/promises";
import getPort from "get-port";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScriptedModel, type ScriptedModel } from "../../src/demo-model/index.js";
import { BOBB_TOOLS, BUILTIN_TOOLS, CHILD_TOOLS, createOpencodeRuntime, type OpencodeRuntime, type RuntimeAgent } from "../../src/opencode/index.js";
import { BOBB_AGENTS_MD, childAgentsMd, makeAgentTree, testLogger, type AgentTree, RUNTIME_LIMITS } from "../helpers/opencode.js";
import { startToolApi, type ToolApi } from "../helpers/api.js";
import { opencodeProcessesUnder } from "../helpers/proc.js";
import { waitFor } from "../helpers/wait.js";

const bobb: RuntimeAgent = { id: "bobb", name: "BoBB", persona: "", port: 0, role: "bobb" };
const chef: RuntimeAgent = { id: "chef", name: "Chef Bot", persona: "cooks pasta", port: 0, role: "child" };
const pirate: RuntimeAgent = { id: "pirate", name: "Pirate Bot", persona: "talks like a pirate", port: 0, role: "child" };

describe("OpenCode runtime, shared mode (real opencode, scripted model)", () => {
  let tree: AgentTree;
  let model: ScriptedModel;
  let api: ToolApi;
  let runtime: OpencodeRuntime;
  let port: number;
  const keys: Record<string, string> = {};

  const start = async () => {
    const rt = createOpencodeRuntime({
      ...RUNTIME_LIMITS,
      mode: "shared",
      dataDir: tree.dataDir,
      agentsDir: tree.agentsDir,
      basePort: port,
      model: { kind: "demo", baseUrl: model.url },
      apiUrl: api.url,
      logger: testLogger(),
      promptTimeoutMs: 20_000,
      queueLimit: 12,
    });
    await Promise.all([bobb, chef, pirate].map((a) => rt.ensureAgent(a, keys[a.id]!)));
    return rt;
  };

  beforeAll(async () => {
    tree = await makeAgentTree({
      bobb: BOBB_AGENTS_MD,
      chef: childAgentsMd("Chef Bot", "A cheerful Italian chef who only cooks pasta."),
      pirate: childAgentsMd("Pirate Bot", "A salty pirate who says arr a lot."),
    });
    model = await createScriptedModel();
    api = await startToolApi();
    keys.bobb = api.issue("bobb", "bobb");
    keys.chef = api.issue("chef", "child");
    keys.pirate = api.issue("pirate", "child");
    port = await getPort();
    runtime = await start();
  });

  afterAll(async () => {
    await runtime?.close();
    await model?.close();
    await api?.close();
    await tree?.cleanup();
  });

  it("answers in each agent's own persona (the model sees that agent's AGENTS.md)", async () => {
    const [a, b] = await Promise.all([runtime.prompt("chef", "c1", "hello there"), runtime.prompt("pirate", "c1", "hello there")]);
    expect(a.text).toContain("Chef Bot");
    expect(a.text).toContain("pasta");
    expect(b.text).toContain("Pirate Bot");
    const chefReq = model.requests.find((r) => r.agent === "chef")!;
    expect(chefReq.view.system).toContain("A cheerful Italian chef");
    expect(chefReq.view.system).not.toContain("salty pirate");
    // Our chat prompt replaces OpenCode's coding-assistant prompt.
    expect(chefReq.view.system).not.toContain("software engineering");
  });

  it("offers the model only our tools: no built-in tool for any agent, BoBB included", async () => {
    await runtime.prompt("bobb", "tools", "hi BoBB");
    const offered = (agent: string) => new Set(model.requests.filter((r) => r.agent === agent && r.view.tools.length).flatMap((r) => r.view.tools));
    expect([...offered("bobb")].sort()).toEqual([...BOBB_TOOLS].sort());
    expect([...offered("chef")].sort()).toEqual([...CHILD_TOOLS].sort());
    // The running server's own view: the effective permissions of the agent that answers.
    for (const id of ["bobb", "chef"]) {
      const res = await runtime.diagnostics.serverOf(id)!.fetch(`/agent?directory=${encodeURIComponent(`${tree.agentsDir}/${id}`)}`);
      const agents = (await res.json()) as { name: string; permission: { permission: string; pattern: string; action: string }[] }[];
      const build = agents.find((a) => a.name === "build")!;
      const last = (perm: string) => build.permission.filter((p) => (p.permission === perm || p.permission === "*") && p.pattern === "*").at(-1)?.action;
      for (const perm of ["bash", "read", "edit", "glob", "grep", "webfetch", "websearch", "task", "external_directory"]) expect(last(perm), perm).toBe("deny");
    }
    for (const tool of BUILTIN_TOOLS) expect(offered("bobb").has(tool)).toBe(false);
  });

  it("needed no npm install: config dirs hold only our zod link", async () => {
    expect(await readdir(`${tree.agentsDir}/bobb/.opencode/node_modules`)).toEqual(["zod"]);
    expect(await readdir(`${tree.dataDir}/opencode/config/opencode/node_modules`)).toEqual(["zod"]);
    expect((await readdir(`${tree.agentsDir}/bobb/.opencode/tool`)).sort()).toEqual(BOBB_TOOLS.map((t) => `${t}.ts`).sort());
    expect((await readdir(`${tree.agentsDir}/chef/.opencode/tool`)).sort()).toEqual(CHILD_TOOLS.map((t) => `${t}.ts`).sort());
    // No key in any file an agent directory holds.
    for (const id of ["bobb", "chef"]) {
      const config = await readFile(`${tree.agentsDir}/${id}/opencode.json`, "utf8");
      for (const key of Object.values(keys)) expect(config).not.toContain(key);
    }
  });

  it("BoBB cannot read registry.json in any way", async () => {
    const target = `${tree.root}/registry.json`;
    model.setRules([
      {
        agent: "bobb",
        user: "steal",
        reply: {
          toolCalls: [
            { name: "read", args: { filePath: target } },
            { name: "bash", args: { command: `cat ${target}`, description: "x" } },
          ],
        },
      },
      { agent: "bobb", user: "steal", after: "tool", reply: (v) => `results: ${v.toolResults.map((t) => t.output).join(" | ")}` },
    ]);
    const res = await runtime.prompt("bobb", "steal", "steal the registry");
    model.setRules([]);
    expect(res.text).toMatch(/unavailable|invalid|not.*(found|available)|denied/i);
    expect(res.text).not.toContain(tree.canary);
    expect(model.requests.some((r) => r.raw.includes(tree.canary))).toBe(false);
    // Nor through the server's own file API (path escapes the agent's directory).
    const file = await runtime.diagnostics
      .serverOf("bobb")!
      .fetch(`/file/content?path=../../registry.json&directory=${encodeURIComponent(`${tree.agentsDir}/bobb`)}`);
    expect(await file.text()).not.toContain(tree.canary);
  });

  it("a scripted send_message reaches the tool API with the agent's own key; a child's key cannot write the registry", async () => {
    model.setRules([
      {
        agent: "chef",
        user: "announce",
        reply: { toolCalls: [{ name: "send_message", args: { channel_id: "42", content: "Pasta time!", mention_bots: ["Pirate Bot"] } }] },
      },
      { agent: "chef", user: "announce", after: "tool", reply: "" },
      { agent: "chef", user: "sneak", reply: { toolCalls: [{ name: "create_agent", args: { name: "Evil Bot", persona: "evil" } }] } },
    ]);
    const res = await runtime.prompt("chef", "c2", "announce dinner");
    expect(res.usedTools).toEqual(["send_message"]);
    const sent = api.calls.find((c) => c.url === "/api/discord/send" && c.agentId === "chef")!;
    expect(sent.key).toBe(keys.chef);
    // The tool sends OpenCode's session id from its own context: the session the bridge is running (the turn binding).
    expect(sent.session).toBe(res.sessionId);
    expect(sent.body).toEqual({ channel_id: "42", content: "Pasta time!", mention_bots: ["Pirate Bot"] });
    // The child has no registry tool; the call the model invents goes nowhere.
    const sneak = await runtime.prompt("chef", "c2", "sneak in a bot");
    expect(sneak.usedTools).not.toContain("create_agent");
    expect(api.calls.some((c) => c.url.startsWith("/api/registry") && c.agentId === "chef")).toBe(false);
    // And the key the child's server holds is refused by the registry.
    const write = await fetch(`${api.url}/api/registry/agents`, {
      method: "POST",
      headers: { authorization: `Bearer ${sent.key}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "Evil Bot", persona: "evil" }),
    });
    expect(write.status).toBe(403);
    expect(((await write.json()) as { error: { code: string } }).error.code).toBe("FORBIDDEN");
    model.setRules([]);
  });

  it("demo BoBB: 'create a chef bot' calls create_agent, then explains the Developer Portal", async () => {
    const res = await runtime.prompt("bobb", "create", "@BoBB create a chef bot that only cooks with what's in my fridge");
    expect(res.usedTools).toEqual(["create_agent"]);
    const call = api.calls.find((c) => c.url === "/api/registry/agents" && c.method === "POST" && c.agentId === "bobb")!;
    expect(call.key).toBe(keys.bobb);
    expect((call.body as { name: string }).name).toBe("Chef Bot");
    expect(res.text).toMatch(/Developer Portal/);
    expect(res.text).toMatch(/direct message|DM/);
    expect(res.text).toContain("(demo model)");
  });

  it("a tool API error reaches the model as text", async () => {
    model.setRules([
      { agent: "bobb", user: "broken", reply: { toolCalls: [{ name: "create_agent", args: { name: "", persona: "" } }] } },
      { agent: "bobb", after: "tool", reply: (v) => `tool said: ${v.toolResults.at(-1)!.output}` },
    ]);
    const res = await runtime.prompt("bobb", "err", "broken create");
    model.setRules([]);
    // The real tool API's message (the stub this test once ran against said "name and persona are required").
    expect(res.text).toContain('Error 400 VALIDATION_ERROR: body field "name": a name of 1 to 64 characters');
  });

  it("keeps one prompt at a time per conversation, in order, under 10 concurrent prompts; overflow is BUSY", async () => {
    model.setRules([{ agent: "pirate", user: /^order (\d+)$/, reply: (v) => `ack ${v.lastUser.split(" ")[1]}`, delayMs: 30 }]);
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => runtime.prompt("pirate", "queue", `order ${i}`)));
    expect(results.map((r) => r.text)).toEqual(Array.from({ length: 10 }, (_, i) => `ack ${i}`));
    const seen = model.requests.filter((r) => r.agent === "pirate" && /^order \d+$/.test(r.view.lastUser)).map((r) => r.view.lastUser);
    expect(seen).toEqual(Array.from({ length: 10 }, (_, i) => `order ${i}`));
    // 1 running + 12 queued fit; the 14th is refused at once.
    model.setRules([{ agent: "pirate", user: "flood", reply: "ok", delayMs: 200 }]);
    const flood = Array.from({ length: 14 }, () =>
      runtime.prompt("pirate", "flood", "flood").then(
        () => "ok",
        (e: { code: string }) => e.code,
      ),
    );
    const outcomes = await Promise.all(flood);
    model.setRules([]);
    expect(outcomes.filter((o) => o === "BUSY")).toHaveLength(1);
    expect(outcomes.at(-1)).toBe("BUSY");
  });

  it("abort during a slow reply returns promptly, drops queued prompts and never delivers the reply", async () => {
    model.setRules([{ agent: "chef", user: "slow", reply: "SLOW-REPLY", delayMs: 15_000 }]);
    const running = runtime.prompt("chef", "abort", "slow please").then(
      (r) => r.text,
      (e: { code: string }) => e.code,
    );
    const queued = runtime.prompt("chef", "abort", "slow again").then(
      (r) => r.text,
      (e: { code: string }) => e.code,
    );
    await model.waitForRequest((r) => r.agent === "chef" && r.view.lastUser === "slow please", 10_000);
    const began = Date.now();
    await runtime.abort("chef", "abort");
    expect(await running).toBe("ABORTED");
    expect(await queued).toBe("ABORTED");
    expect(Date.now() - began).toBeLessThan(3000);
    // The model saw its client go away; nothing else was asked.
    await waitFor(() => model.requests.some((r) => r.view.lastUser === "slow please" && r.aborted), 5000, "model request aborted");
    expect(model.requests.filter((r) => r.view.lastUser === "slow again")).toHaveLength(0);
    model.setRules([]);
    // The conversation still works afterwards.
    expect((await runtime.prompt("chef", "abort", "hello again")).text).toContain("Chef Bot");
  });

  it("an external AbortSignal aborts the prompt", async () => {
    model.setRules([{ agent: "pirate", user: "slow", reply: "late", delayMs: 15_000 }]);
    const controller = new AbortController();
    const p = runtime.prompt("pirate", "signal", "slow one", { signal: controller.signal }).catch((e: { code: string }) => e.code);
    await model.waitForRequest((r) => r.agent === "pirate" && r.view.lastUser === "slow one", 10_000);
    controller.abort();
    expect(await p).toBe("ABORTED");
    model.setRules([]);
  });

  it("continues the same session after a restart; a session deleted on the server is replaced without an error", async () => {
    const first = await runtime.prompt("chef", "persist", "remember the word BASIL");
    await runtime.close();
    expect(opencodeProcessesUnder(tree.root)).toEqual([]);
    runtime = await start();
    const second = await runtime.prompt("chef", "persist", "what was the word?");
    expect(second.sessionId).toBe(first.sessionId);
    const req = model.requests.filter((r) => r.agent === "chef" && r.view.lastUser === "what was the word?").at(-1)!;
    expect(req.raw).toContain("remember the word BASIL");
    const client = runtime.diagnostics.serverOf("chef")!;
    const del = await client.fetch(`/session/${second.sessionId}?directory=${encodeURIComponent(`${tree.agentsDir}/chef`)}`, { method: "DELETE" });
    expect(del.ok).toBe(true);
    const third = await runtime.prompt("chef", "persist", "still there?");
    expect(third.sessionId).not.toBe(second.sessionId);
    expect(third.text).toContain("Chef Bot");
  });

  it("close leaves no opencode process behind", async () => {
    expect(opencodeProcessesUnder(tree.root).length).toBeGreaterThan(0);
    await runtime.close();
    expect(opencodeProcessesUnder(tree.root)).toEqual([]);
  });
});
