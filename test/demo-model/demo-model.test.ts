import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { botNameFrom, createScriptedModel, personaOf, type ScriptedModel } from "../../src/demo-model/index.js";

const tools = (...names: string[]) => names.map((name) => ({ type: "function", function: { name, parameters: { type: "object" } } }));
const BOBB_SYSTEM = "You are a bot.\nInstructions from: /x/AGENTS.md\n# BoBB, the Bot Builder Bot\n\nYou are **BoBB**, a friendly Discord bot.";
const CHEF_SYSTEM =
  "# Chef Bot\n\nYou are **Chef Bot**, a Discord bot created with BoBB.\n\n## Who you are\n\nA cheerful Italian chef. Loves pasta.\n\n## Rules\n\n- none";

describe("scripted model server", () => {
  let model: ScriptedModel;
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${model.url}/chat/completions`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  const chat = (system: string, user: string, extra: Record<string, unknown> = {}) => ({
    model: "demo",
    messages: [
      { role: "system", content: system },
      { role: "user", content: user },
    ],
    ...extra,
  });

  beforeAll(async () => {
    model = await createScriptedModel();
  });
  afterAll(async () => model?.close());

  it("lists its model and answers non-streaming requests with the first matching rule", async () => {
    const models = (await (await fetch(`${model.url}/models`)).json()) as { data: { id: string }[] };
    expect(models.data[0]!.id).toBe("demo");
    model.setRules([
      { user: /weather/i, reply: "sunny" },
      { user: "weather", reply: "never reached" },
    ]);
    const body = (await (await post(chat("sys", "What's the weather?"))).json()) as { choices: { message: { content: string } }[] };
    expect(body.choices[0]!.message.content).toBe("sunny");
    expect(model.requests.at(-1)).toMatchObject({ rule: "rule 0", stream: false });
  });

  it("answers unknown routes and bad bodies with OpenAI-style errors, records the raw body, marks every answer", async () => {
    const missing = await fetch(`${model.url}/nope?x=1`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get("x-bobb-demo-model")).toBe("true");
    expect(await missing.json()).toEqual({ error: { message: "no route GET /v1/nope", type: "not_found" } });
    const notJson = await fetch(`${model.url}/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: "{oops" });
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toEqual({ error: { message: "body is not JSON", type: "invalid_request_error" } });
    const text = `${JSON.stringify(chat("sys", "raw body"))}  `;
    const ok = await fetch(`${model.url}/chat/completions`, { method: "POST", headers: { "content-type": "text/plain" }, body: text });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("x-bobb-demo-model")).toBe("true");
    expect(model.requests.at(-1)?.raw).toBe(text);
  });

  it("streams text and tool calls as OpenAI SSE chunks", async () => {
    model.setRules([
      { system: "Chef", user: "send", reply: { text: "On it.", toolCalls: [{ name: "send_message", args: { channel_id: "1", content: "hi" } }] } },
    ]);
    const res = await post(chat(CHEF_SYSTEM, "send something", { stream: true, tools: tools("send_message") }));
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const lines = (await res.text()).split("\n\n").filter(Boolean);
    expect(lines.at(-1)).toBe("data: [DONE]");
    const chunks = lines.slice(0, -1).map((l) => JSON.parse(l.slice(6)) as { choices: { delta: Record<string, unknown>; finish_reason: string | null }[] });
    const text = chunks.map((c) => (c.choices[0]?.delta.content as string | undefined) ?? "").join("");
    expect(text).toBe("On it.");
    const call = chunks.flatMap((c) => (c.choices[0]?.delta.tool_calls as { function: { name: string; arguments: string } }[] | undefined) ?? [])[0]!;
    expect(call.function.name).toBe("send_message");
    expect(JSON.parse(call.function.arguments)).toEqual({ channel_id: "1", content: "hi" });
    expect(chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0]?.finish_reason).toBe("tool_calls");
  });

  it("matches the agent header, counts uses and answers after a tool result only with 'after: tool' rules", async () => {
    model.setRules([
      { agent: "chef", user: "go", reply: { toolCalls: [{ name: "list_members", args: {} }] }, times: 1 },
      { agent: "chef", after: "tool", tool: "list_members", reply: (v) => `members: ${v.toolResults[0]!.output}` },
      { agent: "chef", reply: "fallback" },
    ]);
    const first = (await (await post(chat("s", "go"), { "x-bobb-agent": "chef" })).json()) as { choices: { message: { tool_calls?: unknown[] } }[] };
    expect(first.choices[0]!.message.tool_calls).toHaveLength(1);
    const followUp = {
      model: "demo",
      messages: [
        { role: "user", content: "go" },
        { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "list_members", arguments: "{}" } }] },
        { role: "tool", tool_call_id: "c1", content: "Chef Bot" },
      ],
    };
    const second = (await (await post(followUp, { "x-bobb-agent": "chef" })).json()) as { choices: { message: { content: string } }[] };
    expect(second.choices[0]!.message.content).toBe("members: Chef Bot");
    const third = (await (await post(chat("s", "go"), { "x-bobb-agent": "chef" })).json()) as { choices: { message: { content: string } }[] };
    expect(third.choices[0]!.message.content).toBe("fallback");
  });

  it("records a request whose client leaves during a delay as aborted; instant mode skips delays", async () => {
    model.setRules([{ user: "slow", reply: "late", delayMs: 10_000 }]);
    const req = fetch(`${model.url}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(chat("s", "slow 2")),
      signal: AbortSignal.timeout(300),
    }).catch(() => undefined);
    await req;
    await expect.poll(() => model.requests.find((r) => r.view.lastUser === "slow 2")?.aborted, { timeout: 3000 }).toBe(true);
    model.setInstant(true);
    const began = Date.now();
    await post(chat("s", "slow 3"));
    expect(Date.now() - began).toBeLessThan(1000);
    model.setInstant(false);
    model.setRules([]);
  });

  it("answers scripted errors with their status", async () => {
    model.setRules([{ user: "fail", reply: { error: { status: 429, message: "slow down" } } }]);
    const res = await post(chat("s", "fail"));
    expect(res.status).toBe(429);
    model.setRules([]);
  });

  describe("demo behaviour", () => {
    it("BoBB turns 'create a … bot' into a create_agent call, then explains the Developer Portal", async () => {
      const prompt =
        "[Discord Channel 1]\nYou are: BoBB (@bobb#1)\nFrom: ana#1 (User ID: 555)\n\n@BoBB create a chef bot that only cooks with what's in my fridge";
      const res = (await (await post(chat(BOBB_SYSTEM, prompt, { tools: tools("create_agent", "send_message") }))).json()) as {
        choices: { message: { tool_calls: { function: { name: string; arguments: string } }[] } }[];
      };
      const call = res.choices[0]!.message.tool_calls[0]!;
      expect(call.function.name).toBe("create_agent");
      const args = JSON.parse(call.function.arguments) as { name: string; persona: string; created_by?: string };
      expect(args.name).toBe("Chef Bot");
      expect(args.persona).toContain("fridge");
      // The creator is recorded by the supervisor from the turn, not sent by the model.
      expect(args.created_by).toBeUndefined();
      const after = {
        model: "demo",
        messages: [
          { role: "system", content: BOBB_SYSTEM },
          { role: "user", content: prompt },
          {
            role: "assistant",
            content: null,
            tool_calls: [{ id: "a", type: "function", function: { name: "create_agent", arguments: call.function.arguments } }],
          },
          { role: "tool", tool_call_id: "a", content: JSON.stringify({ agent: { id: "chef-bot", name: "Chef Bot" } }) },
        ],
      };
      const text = ((await (await post(after)).json()) as { choices: { message: { content: string } }[] }).choices[0]!.message.content;
      expect(text).toContain("Developer Portal");
      // BoBB switches the intent on itself; the form comes first, the DM is the fallback.
      expect(text).not.toContain("MESSAGE CONTENT INTENT");
      expect(text).toContain("Submit token");
      expect(text).toMatch(/direct message/);
      expect(text).toContain("(demo model)");
    });

    it("a child answers in character, and addresses a bot that mentioned it", async () => {
      const prompt =
        "[Discord Channel 1]\nYou are: Chef Bot (@chef#1)\nFrom: trump#2 (User ID: 9) [BOT] (Bot Name: Trump Bot)\nIs From Bot: true\n\n--- Recent Channel History ---\n--- End History ---\n\n<@1> what's for dinner?";
      const text = ((await (await post(chat(CHEF_SYSTEM, prompt))).json()) as { choices: { message: { content: string } }[] }).choices[0]!.message.content;
      expect(text).toContain("Trump Bot");
      expect(text).toContain("Chef Bot");
      expect(text).toContain("Italian chef");
      expect(text).toContain("what's for dinner?");
    });

    it("extracts names and personas", () => {
      expect(botNameFrom("a pirate bot")).toBe("Pirate Bot");
      expect(botNameFrom("an angry french chef bot")).toBe("French Chef Bot");
      expect(personaOf(CHEF_SYSTEM)).toEqual({ name: "Chef Bot", persona: "A cheerful Italian chef. Loves pasta." });
    });
  });
});
