import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScriptedModel, type ScriptedModel } from "../../src/demo-model/index.js";

/** The demo model's answers over its own request/response protocol (OpenAI chat completions). */
const tools = (...names: string[]) => names.map((name) => ({ type: "function", function: { name, parameters: { type: "object" } } }));
const system = (name: string, persona: string) =>
  `# ${name}\n\nYou are **${name}**, a Discord bot created with BoBB.\n\n## Who you are\n\n${persona}\n\nStay in this character in every reply.\n\n## Rules\n\n- none`;
const BOBB_SYSTEM = "# BoBB, the Bot Builder Bot\n\nYou are **BoBB**, a friendly Discord bot that creates other Discord bots.";
const BOBB_TOOLS = tools("create_agent", "list_agents", "update_agent", "remove_agent", "send_message");
const prompt = (self: string, text: string, from = "ana#1 (User ID: 555)") =>
  `[Discord Channel 1]\nYou are: ${self} (@x#1)\nFrom: ${from}\nChannel ID: 10\nMessage ID: 20\n\n--- Recent Channel History ---\n--- End History ---\n\n${text}`;

type Message = { role: string; content: string | null; tool_calls?: unknown[]; tool_call_id?: string };
interface Answer {
  text: string;
  calls: Array<{ name: string; args: Record<string, unknown> }>;
}

let model: ScriptedModel;
beforeAll(async () => void (model = await createScriptedModel()));
afterAll(async () => model?.close());

async function complete(messages: Message[], agent: string, offered: unknown[] = []): Promise<Answer> {
  const res = await fetch(`${model.url}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-bobb-agent": agent },
    body: JSON.stringify({ model: "demo", messages, tools: offered }),
  });
  const body = (await res.json()) as {
    choices: Array<{ message: { content: string; tool_calls?: Array<{ function: { name: string; arguments: string } }> } }>;
  };
  const message = body.choices[0]!.message;
  return {
    text: message.content,
    calls: (message.tool_calls ?? []).map((c) => ({ name: c.function.name, args: JSON.parse(c.function.arguments) as Record<string, unknown> })),
  };
}

const childSays = async (name: string, persona: string, text: string) =>
  (
    await complete(
      [
        { role: "system", content: system(name, persona) },
        { role: "user", content: prompt(name, text) },
      ],
      name.toLowerCase().replace(/ /g, "-"),
    )
  ).text;

/** One BoBB turn as OpenCode runs it: the request, then each tool result fed back (`results` answer the calls in order). */
async function bobbTurn(text: string, results: Record<string, string> = {}): Promise<{ calls: Answer["calls"]; text: string }> {
  const messages: Message[] = [
    { role: "system", content: BOBB_SYSTEM },
    { role: "user", content: prompt("BoBB", text) },
  ];
  const calls: Answer["calls"] = [];
  for (let step = 0; step < 5; step++) {
    const answer = await complete(messages, "bobb", BOBB_TOOLS);
    if (answer.calls.length === 0) return { calls, text: answer.text };
    const call = answer.calls[0]!;
    calls.push(call);
    const id = `c${step}`;
    messages.push({
      role: "assistant",
      content: null,
      tool_calls: [{ id, type: "function", function: { name: call.name, arguments: JSON.stringify(call.args) } }],
    });
    messages.push({ role: "tool", tool_call_id: id, content: results[call.name] ?? "{}" });
  }
  throw new Error("the demo model kept calling tools");
}

const LIST = JSON.stringify({
  agents: [
    { id: "chef-bot", name: "Chef Bot", status: "active" },
    { id: "pirate-bot", name: "Pirate Bot", status: "active" },
  ],
});

describe("a persona bot answers in character", () => {
  it("the chef names a dish of its cuisine; the pirate says arr", async () => {
    const chef = await childSays("Chef Bot", "A cheerful Italian chef. Loves basil.", "@Chef Bot what's for dinner?");
    expect(chef).toMatch(/risotto|carbonara|pomodoro|margherita|osso buco|basil/i);
    expect(chef).toContain("Chef Bot here (demo model)");
    const pirate = await childSays("Pirate Bot", "Talks like a pirate, loves the sea.", "@Pirate Bot how are you?");
    expect(pirate).toMatch(/\barr\b/i);
  });

  it("any other persona is answered with its own words", async () => {
    const text = await childSays("Cat Bot", "Obsessed with cats, naps and cardboard boxes.", "@Cat Bot what should I do today?");
    expect(text).toMatch(/obsessed|cats|naps|cardboard|boxes/i);
  });

  it("the same message gets the same answer; different messages get different ones", async () => {
    const persona = "A cheerful Italian chef. Loves basil.";
    const once = await childSays("Chef Bot", persona, "@Chef Bot what's for dinner?");
    expect(await childSays("Chef Bot", persona, "@Chef Bot what's for dinner?")).toBe(once);
    const questions = ["lunch ideas?", "something quick?", "a date night dish?", "what about sunday?", "dessert?", "for six people?"];
    const answers = new Set(
      await Promise.all(questions.map((q) => childSays("Chef Bot", persona, `@Chef Bot ${q}`).then((t) => t.replace(/About "[^"]*"/, "")))),
    );
    expect(answers.size).toBeGreaterThan(2);
  });
});

describe("BoBB understands", () => {
  it("'help' and 'what can you do' with the list of requests and what the demo cannot do", async () => {
    for (const ask of ["@BoBB help", "hello BoBB, what can you do?"]) {
      const { calls, text } = await bobbTurn(ask);
      expect(calls).toEqual([]);
      expect(text).toContain("Create a bot");
      expect(text).toContain("Remove a bot");
      expect(text).toMatch(/offline demo model.*can't/);
    }
  });

  it("'I want a bot that…' creates one with a name from its purpose", async () => {
    const { calls, text } = await bobbTurn("@BoBB I want a bot that tells pirate jokes", {
      create_agent: JSON.stringify({ agent: { id: "pirate-bot", name: "Pirate Bot" } }),
    });
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ name: "create_agent", args: { name: "Pirate Bot" } });
    expect(String(calls[0]!.args.persona)).toContain("tells pirate jokes");
    expect(calls[0]!.args.created_by).toBeUndefined();
    expect(text).toContain("Developer Portal");
  });

  it("'change X's persona to …' finds the bot's id and calls update_agent", async () => {
    const { calls, text } = await bobbTurn("@BoBB change Chef Bot's persona to a grumpy French baker", {
      list_agents: LIST,
      update_agent: JSON.stringify({ agent: { id: "chef-bot", name: "Chef Bot" } }),
    });
    expect(calls).toEqual([
      { name: "list_agents", args: {} },
      { name: "update_agent", args: { id: "chef-bot", persona: "a grumpy French baker" } },
    ]);
    expect(text).toContain("a grumpy French baker");
  });

  it("'rename X to Y' and 'remove X' call update_agent and remove_agent", async () => {
    const renamed = await bobbTurn("@BoBB rename pirate bot to Captain Bot", { list_agents: LIST });
    expect(renamed.calls[1]).toEqual({ name: "update_agent", args: { id: "pirate-bot", name: "Captain Bot" } });
    const removed = await bobbTurn("@BoBB remove Pirate Bot", {
      list_agents: LIST,
      remove_agent: JSON.stringify({ removed: { id: "pirate-bot", name: "Pirate Bot" }, message: "Pirate Bot was removed: its bot is stopped." }),
    });
    expect(removed.calls[1]).toEqual({ name: "remove_agent", args: { id: "pirate-bot" } });
    expect(removed.text).toContain("Pirate Bot was removed");
  });

  it("relays a refusal, and says so when no bot has that name", async () => {
    const refused = await bobbTurn("@BoBB remove Chef Bot", {
      list_agents: LIST,
      remove_agent: "Error 403 FORBIDDEN: only its creator or a server manager may",
    });
    expect(refused.text).toContain("only its creator or a server manager may");
    const missing = await bobbTurn("@BoBB remove Ghost Bot", { list_agents: LIST });
    expect(missing.calls).toHaveLength(1);
    expect(missing.text).toContain(`can't find a bot called "Ghost Bot"`);
    expect(missing.text).toContain("Chef Bot, Pirate Bot");
  });

  it("anything else: says what the demo cannot do, not its greeting again", async () => {
    const { text } = await bobbTurn("@BoBB what is the capital of France?");
    expect(text).toContain(`did not understand "what is the capital of France?"`);
    expect(text).toMatch(/offline demo model/);
    expect(text).not.toContain("I build Discord bots");
    // A plain hello still gets the greeting.
    expect((await bobbTurn("@BoBB hi!")).text).toContain("I build Discord bots");
  });
});
