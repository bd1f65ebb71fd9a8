import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatMessageContext, type ContextUser } from "../../src/discord/index.js";
import { createScriptedModel, messageContent, waitingMessages, type ScriptedModel } from "../../src/demo-model/index.js";

const CHEF_SYSTEM = "# Chef Bot\n\nYou are **Chef Bot**, a Discord bot created with BoBB.\n\n## Who you are\n\nA cheerful Italian chef.\n\n## Rules\n\n- none";
const BOBB_SYSTEM = "# BoBB, the Bot Builder Bot\n\nYou are **BoBB**, a friendly Discord bot.";
const person = (id: string, name: string): ContextUser => ({ id, tag: name, name, isBot: false });

/** A batch as the product formats it: Alice and Bob waiting, Chris's message the one replied to. */
function batchPrompt(selfName: string): string {
  const now = Date.now();
  return formatMessageContext({
    self: { id: "500", name: selfName, tag: selfName.toLowerCase().replace(/ /g, "") },
    channel: { id: "10", isDm: false },
    message: { id: "23", content: "<@500> pizza tonight?", author: person("3", "chris") },
    waiting: [
      { id: "21", content: "<@500> soup for four?", author: person("1", "alice"), at: now - 2000 },
      { id: "22", content: "<@500> a dessert idea?", author: person("2", "bob"), at: now - 1000 },
    ],
    history: [],
    now,
  });
}

describe("the demo model answers a batch", () => {
  let model: ScriptedModel;
  beforeAll(async () => void (model = await createScriptedModel()));
  afterAll(async () => model?.close());
  const ask = async (system: string, user: string, agent: string) => {
    const res = await fetch(`${model.url}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-bobb-agent": agent },
      body: JSON.stringify({
        model: "demo",
        messages: [
          { role: "system", content: system },
          { role: "user", content: user },
        ],
      }),
    });
    return ((await res.json()) as { choices: { message: { content: string } }[] }).choices[0]!.message.content;
  };

  it("reads the waiting messages apart from the one replied to", () => {
    const prompt = batchPrompt("Chef Bot");
    expect(messageContent(prompt)).toBe("@Chef Bot pizza tonight?");
    expect(waitingMessages(prompt)).toEqual([
      { name: "alice", userId: "1", bot: false, content: "@Chef Bot soup for four?" },
      { name: "bob", userId: "2", bot: false, content: "@Chef Bot a dessert idea?" },
    ]);
  });

  it("a child greets everyone and answers each person on a line of their own", async () => {
    const text = await ask(CHEF_SYSTEM, batchPrompt("Chef Bot"), "chef-bot");
    expect(text.split("\n")[0]).toBe("Hi alice, bob and chris! Chef Bot here (demo model). A cheerful Italian chef.");
    expect(text).toContain(`- alice: about "soup for four?"`);
    expect(text).toContain(`- bob: about "a dessert idea?"`);
    expect(text).toContain(`- chris: about "pizza tonight?"`);
  });

  it("BoBB greets everyone by name", async () => {
    expect(await ask(BOBB_SYSTEM, batchPrompt("BoBB"), "bobb")).toMatch(/^Hi alice, bob and chris! I'm BoBB \(demo model\)/);
  });
});
