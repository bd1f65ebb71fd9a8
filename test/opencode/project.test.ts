import { existsSync } from "node:fs";
import { readdir, writeFile } from "node:fs/promises";
import getPort from "get-port";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScriptedModel, obeyRules, type ScriptedModel } from "../../src/demo-model/index.js";
import { CHILD_TOOLS, createOpencodeRuntime, type OpencodeRuntime, type RuntimeAgent } from "../../src/opencode/index.js";
import { startToolApi, type ToolApi } from "../helpers/api.js";
import { captureLogs } from "../helpers/logs.js";
import { childAgentsMd, makeAgentTree, RUNTIME_LIMITS, type AgentTree } from "../helpers/opencode.js";
import { opencodeProcessesUnder } from "../helpers/proc.js";

const child = (id: string, name: string): RuntimeAgent => ({ id, name, persona: "", port: 0, role: "child" });
const chef = child("chef", "Chef Bot");
const pirate = child("pirate", "Pirate Bot");
const poet = child("poet", "Poet Bot");
const bobb: RuntimeAgent = { id: "bobb", name: "BoBB", persona: "", port: 0, role: "bobb" };

/** A message with `CALL` lines for the obeying model. */
const call = (name: string, args: Record<string, unknown>) => `CALL ${name} ${JSON.stringify(args)}`;

describe("OpenCode runtime, project mode: one server, one project for every child bot", () => {
  let tree: AgentTree;
  let model: ScriptedModel;
  let api: ToolApi;
  let runtime: OpencodeRuntime;
  const logs = captureLogs("info");
  const keys: Record<string, string> = {};
  const unloads = () => logs.lines.filter((l) => l.includes("unloading an OpenCode directory"));

  beforeAll(async () => {
    tree = await makeAgentTree({
      chef: childAgentsMd("Chef Bot", "A cheerful Italian chef who only cooks pasta."),
      pirate: childAgentsMd("Pirate Bot", "A salty pirate who says arr a lot."),
      poet: childAgentsMd("Poet Bot", "Speaks only in rhyme."),
      bobb: "# BoBB\n\nYou are **BoBB**, the Bot Builder Bot.\n",
    });
    model = await createScriptedModel();
    model.prependRules(...obeyRules());
    api = await startToolApi();
    for (const a of [chef, pirate, poet]) keys[a.id] = api.issue(a.id, "child");
    keys.bobb = api.issue("bobb", "bobb");
    const projectKey = api.issue("_bots", "project");
    runtime = createOpencodeRuntime({
      ...RUNTIME_LIMITS,
      mode: "project",
      projectKey,
      dataDir: tree.dataDir,
      agentsDir: tree.agentsDir,
      basePort: await getPort(),
      model: { kind: "demo", baseUrl: model.url },
      apiUrl: api.url,
      logger: logs.logger,
      promptTimeoutMs: 20_000,
      queueLimit: 8,
    });
    api.setSessionAgent((id) => runtime.agentOfSession(id));
    await Promise.all([bobb, chef, pirate].map((a) => runtime.ensureAgent(a, keys[a.id]!)));
  }, 120_000);

  afterAll(async () => {
    await runtime?.close();
    await model?.close();
    await api?.close();
    await tree?.cleanup();
  });

  it("two bots in one server answer with their own persona, sent per prompt", async () => {
    const [a, b] = await Promise.all([runtime.prompt("chef", "c1", "hello there"), runtime.prompt("pirate", "c1", "hello there")]);
    expect(a.text).toContain("Chef Bot");
    expect(a.text).toContain("pasta");
    expect(b.text).toContain("Pirate Bot");
    const chefReq = model.requests.find((r) => r.agent === "chef")!;
    expect(chefReq.view.system).toContain("A cheerful Italian chef");
    expect(chefReq.view.system).not.toContain("salty pirate");
    expect(chefReq.view.system).not.toContain("software engineering");
    expect(chefReq.view.tools.sort()).toEqual([...CHILD_TOOLS].sort());
    // One server for all, BoBB included; one project directory for the bots, with no persona of its own.
    expect(opencodeProcessesUnder(tree.root)).toHaveLength(1);
    expect(runtime.diagnostics.serverOf("chef")).toBe(runtime.diagnostics.serverOf("pirate"));
    expect(runtime.diagnostics.serverOf("bobb")).toBe(runtime.diagnostics.serverOf("chef"));
    expect(existsSync(`${tree.agentsDir}/_bots/AGENTS.md`)).toBe(false);
    expect((await readdir(`${tree.agentsDir}/_bots/.opencode/tool`)).sort()).toEqual(CHILD_TOOLS.map((t) => `${t}.ts`).sort());
    expect(await readdir(`${tree.agentsDir}/chef`)).toEqual(["AGENTS.md"]);
  });

  it("a tool call from chef's session acts as chef only, whatever the model writes", async () => {
    const text = [
      call("send_message", { content: "I am the pirate now", mention_bots: ["Pirate Bot"] }),
      call("send_message", { content: "as pirate", agent_id: "pirate", agent: "pirate", session: "x" }),
    ].join("\n");
    const res = await runtime.prompt("chef", "hostile", text);
    expect(res.usedTools).toEqual(["send_message"]);
    const sends = api.calls.filter((c) => c.url === "/api/discord/send" && c.session === res.sessionId);
    expect(sends).toHaveLength(2);
    // The tools hold the project key; the API resolved the caller from the session the bridge runs for chef.
    for (const c of sends) expect(c.key).not.toBe(keys.chef);
    for (const c of sends) expect([c.agentId, c.role]).toEqual(["chef", "child"]);
    // Fields naming another bot are not part of the tool's input: refused as bad input, never read.
    expect(sends.map((c) => c.status)).toEqual([200, 400]);
    expect(api.sent.filter((s) => s.request.content === "I am the pirate now").map((s) => s.agentId)).toEqual(["chef"]);
    expect(api.sent.some((s) => s.request.content === "as pirate")).toBe(false);
  });

  it("the project key outside a live turn, with a stale or forged session, acts as no one", async () => {
    const projectKey = api.calls.find((c) => c.url === "/api/discord/send")!.key!;
    const done = await runtime.prompt("pirate", "done", "hello");
    for (const session of [undefined, done.sessionId, "ses_forged0000000000000000"]) {
      const res = await fetch(`${api.url}/api/discord/send`, {
        method: "POST",
        headers: { authorization: `Bearer ${projectKey}`, "content-type": "application/json", ...(session ? { "x-bobb-session": session } : {}) },
        body: JSON.stringify({ content: "no turn" }),
      });
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("NO_LIVE_TURN");
    }
    expect(api.sent.some((s) => s.request.content === "no turn")).toBe(false);
  });

  it("adding, editing and removing a bot reloads no other bot", async () => {
    const server = runtime.diagnostics.serverOf("chef")!;
    const pid = server.pid;
    const before = unloads().length;
    await runtime.ensureAgent(poet, keys.poet!);
    expect((await runtime.prompt("poet", "p1", "hello")).text).toContain("Poet Bot");
    // An edit of the persona applies at the bot's next prompt.
    await writeFile(`${tree.agentsDir}/chef/AGENTS.md`, childAgentsMd("Chef Bot", "Now a sushi master."));
    await runtime.ensureAgent(chef, keys.chef!);
    const edited = await runtime.prompt("chef", "c1", "hello again");
    expect(edited.text).toContain("sushi");
    expect(model.requests.at(-1)!.view.system).not.toContain("Italian");
    const removed = await runtime.removeAgent("poet");
    expect(removed.sessions).toBe(1);
    await expect(runtime.prompt("poet", "p1", "still there?")).rejects.toMatchObject({ code: "AGENT_UNAVAILABLE" });
    expect((await runtime.prompt("pirate", "c1", "and you?")).text).toContain("Pirate Bot");
    expect(unloads().length).toBe(before);
    expect(runtime.diagnostics.serverOf("pirate")!.pid).toBe(pid);
  });

  it("close leaves no opencode process behind", async () => {
    await runtime.close();
    expect(opencodeProcessesUnder(tree.root)).toEqual([]);
  });
});
