import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../helpers/wait.js";
import { agentKey, ask, call, startWorld, type World } from "./helpers.js";

/** Where a bot may post and how much, with a model that obeys whoever writes to it. */
let w: World;
let chef: { id: string; userId: string; applicationId: string };
let debate: string;
let otherGuildChannel: string;
let malloryDm: string;
const chefLines = (channel: string) => w.s.messages(channel).filter((m) => m.author.id === chef.userId);

beforeAll(async () => {
  w = await startWorld();
  chef = await w.s.addChild("Chef Bot", "Cooks Italian.");
  debate = w.s.sandbox.control.channelId("debate");
  const other = w.s.sandbox.control.createGuild("Other Place", w.mallory);
  otherGuildChannel = w.s.sandbox.control.channelId("general", other.id);
  w.s.sandbox.control.addBotToGuild(other.id, chef.applicationId);
  // Mallory and Chef already talk in a DM: the channel exists and Chef could post there.
  malloryDm = w.s.sandbox.control.openDm(w.mallory, chef.userId).channel_id;
  await ask(w.s, malloryDm, w.mallory, chef.userId, "hi chef");
  await waitFor(() => w.s.app.bots.get(chef.id)?.client.guilds.cache.has(other.id), 10_000, "chef sees the other guild");
}, 180_000);
afterAll(async () => {
  await w?.s.close();
});

const toChef = (text: string) => ask(w.s, w.s.general, w.chris, chef.userId, `<@${chef.userId}> ${text}`);

describe("send_message stays in the conversation", () => {
  it("refuses another channel, another guild and someone's DM; without channel_id it posts here", async () => {
    for (const target of [debate, otherGuildChannel, malloryDm]) {
      const before = chefLines(target).length;
      const reply = await toChef(call("send_message", { channel_id: target, content: "leaked!" }));
      expect(reply).toContain("send_message: Error 403 OUTSIDE_CONVERSATION");
      expect(reply).toContain("only into the conversation");
      expect(chefLines(target)).toHaveLength(before);
    }
    const before = chefLines(w.s.general).length;
    w.s.sandbox.control.postMessage(w.s.general, w.chris, `<@${chef.userId}> ${call("send_message", { content: "posted right here" })}`);
    await waitFor(() => chefLines(w.s.general).find((m) => m.content === "posted right here"), 30_000, "post in the turn's channel");
    expect(chefLines(w.s.general).length).toBe(before + 1);
  }, 120_000);

  it("list_members by a child still works", async () => {
    const reply = await toChef(call("list_members", {}));
    expect(reply).toContain('"name":"Chef Bot"');
    expect(reply).toContain('"name":"chris"');
  });
});

describe("posts per turn", () => {
  it("one turn asking for 25 posts gets at most 3; the rest are refused", async () => {
    const lines = Array.from({ length: 25 }, (_, i) => call("send_message", { content: `spam ${i + 1}` }));
    const asked = w.s.sandbox.control.postMessage(w.s.general, w.chris, `<@${chef.userId}>\n${lines.join("\n")}`);
    // The model's request after the tool results comes once every one of the 25 calls is answered.
    const after = await w.s.model.waitForRequest((r) => r.rule === "obey: relay" && r.view.lastUser.includes(String(asked.id)), 60_000);
    expect(after.view.toolResults).toHaveLength(25);
    expect(after.view.toolResults.filter((r) => r.output.includes("POST_LIMIT"))).toHaveLength(22);
    expect(chefLines(w.s.general).filter((m) => m.content.startsWith("spam "))).toHaveLength(3);
  }, 120_000);

  it("a long reply is cut after 3 parts with …", async () => {
    w.s.model.prependRules({ agent: chef.id, user: /write a novel$/, reply: "word ".repeat(3000) });
    const asked = w.s.sandbox.control.postMessage(w.s.general, w.chris, `<@${chef.userId}> write a novel`);
    const parts = () => chefLines(w.s.general).filter((m) => m.content.startsWith("word"));
    // The conversation logs "replied" once the whole reply is posted.
    await waitFor(() => w.s.logs.some((l) => l.includes('"replied"') && l.includes(String(asked.id))), 30_000, "reply posted");
    expect(parts()).toHaveLength(3);
    expect(parts()[2]!.content.endsWith("…")).toBe(true);
    for (const p of parts()) expect(p.content.length).toBeLessThanOrEqual(2000);
  }, 60_000);
});

describe("no live turn", () => {
  it("a call with the agent's own key but a forged or missing session is refused", async () => {
    const key = await agentKey(w.s, chef.id);
    const post = (headers: Record<string, string>) =>
      fetch(`${w.s.app.apiUrl}/api/discord/send`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...headers },
        body: JSON.stringify({ channel_id: w.s.general, content: "no turn" }),
      });
    for (const headers of [{}, { "x-bobb-session": "ses_forged0000000000000000" }]) {
      const res = await post(headers);
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("NO_LIVE_TURN");
    }
    expect(chefLines(w.s.general).some((m) => m.content === "no turn")).toBe(false);
  });
});
