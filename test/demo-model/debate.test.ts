import { describe, expect, it } from "vitest";
import { createScriptedModel, DEBATE_PACE_MS, debateTurn, demoRules, mentionedBots, RuleBook, type RequestView } from "../../src/demo-model/index.js";

// The demo debate: two bots a person mentions together tag each other through send_message.
const CHEF_SYSTEM =
  "# Chef Bot\n\nYou are **Chef Bot**, a Discord bot created with BoBB.\n\n## Who you are\n\nChef Bot is a chef bot that only cooks Italian. Friendly, concise and always in character.\n\n## Rules\n\n- none";
const CHEF = { name: "Chef Bot", persona: "Chef Bot is a chef bot that only cooks Italian. Friendly, concise and always in character." };
const HUMAN_FROM = "From: you (User ID: 100)";
const PIRATE_FROM = "From: pirate-bot#0001 (User ID: 300) [BOT] (Bot Name: Pirate Bot)";

function prompt(from: string, content: string, history: string[] = []): string {
  const isBot = from.includes("[BOT]");
  const lines = [
    "[Discord Channel 42]",
    "You are: Chef Bot (@chef-bot#0001)",
    from,
    "Channel ID: 42",
    "Message ID: 777 (use this as reply_to)",
    `Is From Bot: ${isBot}`,
    "",
  ];
  if (history.length) lines.push("--- Recent Channel History ---", ...history, "--- End History ---", "");
  lines.push(content);
  return lines.join("\n");
}

function view(lastUser: string, extra: Partial<RequestView> = {}): RequestView {
  return { system: CHEF_SYSTEM, lastUser, toolResults: [], tools: ["send_message", "list_members"], agent: "chef-bot", model: "demo", ...extra };
}

describe("demo debate", () => {
  it("finds multi-word and one-word bot names among @mentions, and not people", () => {
    expect(mentionedBots("@Chef Bot @Pirate Bot debate pizza vs pasta")).toEqual(["Chef Bot", "Pirate Bot"]);
    expect(mentionedBots("hey @you and @TrumpBot, what about @Angry French Chef Bot?")).toEqual(["TrumpBot", "Angry French Chef Bot"]);
    expect(mentionedBots("@Gordon hi", ["Gordon"])).toEqual(["Gordon"]);
    expect(mentionedBots("mail me at a@b.c or @nobody")).toEqual([]);
  });

  /** The send_message call of a step that tags another bot. */
  const tagCall = (step: ReturnType<typeof debateTurn>) => {
    if (step?.kind !== "tag") throw new Error(`expected a send_message step, got ${JSON.stringify(step)}`);
    return step.call;
  };

  it("a person mentioning two bots: the first one opens by tagging the other in character, the other says it is ready", () => {
    const call = tagCall(debateTurn(view(prompt(HUMAN_FROM, "@Chef Bot @Pirate Bot debate pizza vs pasta")), CHEF));
    expect(call.name).toBe("send_message");
    expect(call.args).toMatchObject({ channel_id: "42", reply_to: "777", mention_bots: ["Pirate Bot"] });
    expect(call.args["content"]).toContain("a chef bot that only cooks Italian");
    expect(call.args["content"]).toContain("pizza vs pasta");
    expect(call.args["content"]).toContain("(demo model)");
    // Mentioned second: a plain answer without a tag, so one exchange runs, not two.
    const ready = debateTurn(view(prompt(HUMAN_FROM, "@Pirate Bot @Chef Bot debate pizza vs pasta")), CHEF);
    expect(ready).toEqual({
      kind: "plain",
      text: 'Bring it on, Pirate Bot! Speaking as a chef bot that only cooks Italian, I\'m ready to argue "pizza vs pasta". (demo model)',
    });
    // Three bots: the opener tags both.
    expect(tagCall(debateTurn(view(prompt(HUMAN_FROM, "@Chef Bot @Pirate Bot @TrumpBot go")), CHEF)).args["mention_bots"]).toEqual(["Pirate Bot", "TrumpBot"]);
  });

  it("a bot that tags it in a debate a person asked for is answered the same way, without repeating itself", () => {
    const asked = "[just now] you: @Chef Bot @Pirate Bot debate pizza vs pasta";
    const first = tagCall(debateTurn(view(prompt(PIRATE_FROM, "@Chef Bot Arr, pizza!", [asked, "[just now] Chef Bot [BOT]: @Pirate Bot opening"])), CHEF));
    expect(first.args).toEqual({ channel_id: "42", mention_bots: ["Pirate Bot"], content: expect.stringContaining("(demo model)") as unknown });
    const history = [asked, "[just now] Chef Bot [BOT]: @Pirate Bot opening", `[just now] Chef Bot [BOT]: @Pirate Bot ${String(first.args["content"])}`];
    const second = tagCall(debateTurn(view(prompt(PIRATE_FROM, "@Chef Bot Arr, pizza!", history)), CHEF));
    expect(second.args["content"]).not.toBe(first.args["content"]);
    expect(String(second.args["content"])).toMatch(/\(demo model\)$/);
  });

  it("no debate: one bot mentioned, a bot tagging it unasked, BoBB, a DM, or no send_message tool", () => {
    expect(debateTurn(view(prompt(HUMAN_FROM, "@Chef Bot what's for dinner?")), CHEF)).toBeUndefined();
    expect(debateTurn(view(prompt(PIRATE_FROM, "@Chef Bot ahoy", ["[just now] you: @Chef Bot hi"])), CHEF)).toBeUndefined();
    expect(debateTurn(view(prompt(HUMAN_FROM, "@Chef Bot @BoBB hi")), CHEF)).toBeUndefined();
    expect(debateTurn(view(prompt(HUMAN_FROM, "@Chef Bot @Pirate Bot hi").replace("[Discord Channel 42]", "[Discord DM 42]")), CHEF)).toBeUndefined();
    expect(debateTurn(view(prompt(HUMAN_FROM, "@Chef Bot @Pirate Bot hi"), { tools: [] }), CHEF)).toBeUndefined();
  });

  it("the demo rules: paced debate replies, an opener at once, empty text after send_message, plain replies otherwise", () => {
    const book = new RuleBook(demoRules());
    const asked = "[just now] you: @Chef Bot @Pirate Bot debate pizza vs pasta";
    const reply = book.pick(view(prompt(PIRATE_FROM, "@Chef Bot Arr!", [asked])))!;
    expect(reply).toMatchObject({ kind: "answer", rule: "demo: debate reply", delayMs: DEBATE_PACE_MS });
    const opener = book.pick(view(prompt(HUMAN_FROM, "@Chef Bot @Pirate Bot debate pizza vs pasta")))!;
    expect(opener).toMatchObject({ kind: "answer", rule: "demo: debate opener", delayMs: 0 });
    expect(opener.kind === "answer" && opener.answer.toolCalls[0]?.name).toBe("send_message");
    const ready = book.pick(view(prompt(HUMAN_FROM, "@Pirate Bot @Chef Bot debate pizza vs pasta")))!;
    expect(ready.kind === "answer" && ready.answer).toMatchObject({ toolCalls: [], text: expect.stringContaining("Bring it on, Pirate Bot!") as unknown });
    const sent = book.pick(view(prompt(HUMAN_FROM, "x"), { toolResults: [{ name: "send_message", output: '{"message_ids":["1"],"warnings":[]}' }] }))!;
    expect(sent).toMatchObject({ kind: "answer", answer: { text: "", toolCalls: [] } });
    const failed = book.pick(view(prompt(HUMAN_FROM, "x"), { toolResults: [{ name: "send_message", output: "Error 400 UNKNOWN_BOT_NAME: no bot" }] }))!;
    expect(failed.kind === "answer" && failed.answer.text).toContain("Chef Bot here");
    const plain = book.pick(view(prompt(PIRATE_FROM, "@Chef Bot ahoy")))!;
    expect(plain.kind === "answer" && plain.answer.toolCalls).toEqual([]);
    expect(plain.kind === "answer" && plain.answer.text).toContain("Good point, Pirate Bot!");
    // Its own name is not quoted back at the person.
    const hello = book.pick(view(prompt(HUMAN_FROM, "@Chef Bot what's for dinner?")))!;
    expect(hello.kind === "answer" && hello.answer.text).toContain('About "what\'s for dinner?"');
  });

  it("the scripted model server answers a debate with a send_message tool call", async () => {
    const model = await createScriptedModel({ instant: true });
    try {
      const res = await fetch(`${model.url}/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-bobb-agent": "chef-bot" },
        body: JSON.stringify({
          model: "demo",
          messages: [
            { role: "system", content: CHEF_SYSTEM },
            { role: "user", content: prompt(HUMAN_FROM, "@Chef Bot @Pirate Bot debate pizza vs pasta") },
          ],
          tools: [{ type: "function", function: { name: "send_message" } }],
        }),
      });
      const body = (await res.json()) as { choices: { message: { tool_calls: { function: { name: string; arguments: string } }[] } }[] };
      const call = body.choices[0]!.message.tool_calls[0]!;
      expect(call.function.name).toBe("send_message");
      expect(JSON.parse(call.function.arguments)).toMatchObject({ mention_bots: ["Pirate Bot"] });
    } finally {
      await model.close();
    }
  });
});
