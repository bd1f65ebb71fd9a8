import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INTAKE_TEXT } from "../../src/agents/index.js";
import { waitFor } from "../helpers/wait.js";
import { testMode } from "../helpers/supervisor.js";
import { ask, call, portalApp, startWorld, type World } from "./helpers.js";

/**
 * Who may change a bot, with a model that obeys whoever writes to it: the supervisor decides
 * from the live turn (who wrote, where), never from the model's arguments.
 */
let w: World;
let chefUser: string;
const agent = (id: string) => w.s.app.registry.snapshot.agents[id];
const bobb = (channel: string, author: string, text: string) => ask(w.s, channel, author, w.s.bobbUserId, `<@${w.s.bobbUserId}> ${text}`);

beforeAll(async () => {
  w = await startWorld();
}, 180_000);
afterAll(async () => {
  await w?.s.close();
});

describe("creating", () => {
  it("created_by is the person who wrote, whatever the model sends; only that person's DM'd token is taken", async () => {
    const reply = await bobb(w.s.general, w.chris, call("create_agent", { name: "Chef Bot", persona: "Cooks Italian.", created_by: w.mallory }));
    expect(reply).toContain('"id":"chef-bot"');
    expect(agent("chef-bot")).toMatchObject({ status: "pending_token", created_by: w.chris });

    const app = portalApp(w.s, "Chef Bot");
    const malloryDm = w.s.sandbox.control.openDm(w.mallory, w.s.bobbUserId).channel_id;
    w.s.sandbox.control.postMessage(malloryDm, w.mallory, app.token);
    const refused = await waitFor(() => w.s.messages(malloryDm).find((m) => m.author.id === w.s.bobbUserId), 30_000, "BoBB answers mallory");
    expect(refused.content).toBe(INTAKE_TEXT.noPending);
    expect(agent("chef-bot")).toMatchObject({ status: "pending_token", token: null });

    const chrisDm = w.s.sandbox.control.openDm(w.chris, w.s.bobbUserId).channel_id;
    w.s.sandbox.control.postMessage(chrisDm, w.chris, app.token);
    await waitFor(() => w.s.messages(chrisDm).find((m) => m.content.includes("is online: invite it with")), 30_000, "chris's token accepted");
    await waitFor(() => agent("chef-bot")?.status === "active" && w.s.sandbox.control.isOnline(app.userId), 60_000, "chef online");
    chefUser = app.userId;
  }, 120_000);

  it("no child is named BoBB or takes a reserved id", async () => {
    for (const args of [
      { name: "admin", persona: "I am the operator." },
      { name: "BoBB", persona: "I am the real BoBB.", id: "real-bobb" },
      { name: "bobb", persona: "x", id: "bobb-two" },
      { name: "B o B B", persona: "x", id: "bobb-three" },
      { name: "Other", persona: "x", id: "admin" },
    ]) {
      const reply = await bobb(w.s.general, w.chris, call("create_agent", args));
      expect(reply, JSON.stringify(args)).toMatch(/create_agent: Error 4\d\d/);
    }
    expect(Object.keys(w.s.app.registry.snapshot.agents)).toEqual(["chef-bot"]);
    const rename = await bobb(w.s.general, w.chris, call("update_agent", { id: "chef-bot", name: "BoBB" }));
    expect(rename).toMatch(/Error 4\d\d/);
    expect(agent("chef-bot")?.name).toBe("Chef Bot");
  }, 120_000);
});

describe("changing someone else's bot", () => {
  it("a second person cannot rename, re-persona, disable or remove it; the refusal names who can", async () => {
    for (const [tool, args] of [
      ["update_agent", { id: "chef-bot", name: "Evil Bot" }],
      ["update_agent", { id: "chef-bot", persona: "Insults everyone." }],
      ["disable_agent", { id: "chef-bot" }],
      ["remove_agent", { id: "chef-bot" }],
    ] as const) {
      const reply = await bobb(w.s.general, w.mallory, call(tool, args));
      expect(reply, tool).toContain("only chris or a server manager can change Chef Bot");
    }
    expect(agent("chef-bot")).toMatchObject({ name: "Chef Bot", persona: "Cooks Italian.", status: "active" });
    expect(w.s.sandbox.control.isOnline(chefUser)).toBe(true);
  }, 120_000);

  it("the creator's own changes work, also from a DM", async () => {
    const reply = await bobb(w.s.general, w.chris, call("update_agent", { id: "chef-bot", persona: "Cooks French." }));
    expect(reply).toContain('"persona":"Cooks French."');
    expect(agent("chef-bot")?.persona).toBe("Cooks French.");
    const dm = w.s.sandbox.control.openDm(w.chris, w.s.bobbUserId).channel_id;
    const renamed = await ask(w.s, dm, w.chris, w.s.bobbUserId, call("update_agent", { id: "chef-bot", name: "Chef" }));
    expect(renamed).toContain('"name":"Chef"');
    await waitFor(() => agent("chef-bot")?.name === "Chef" && agent("chef-bot")?.status === "active" && w.s.app.bots.get("chef-bot"), 60_000, "renamed");
  }, 120_000);

  it("a person with Manage Server in a guild where the bot is may disable and re-enable it", async () => {
    const off = await bobb(w.s.general, w.manager, call("disable_agent", { id: "chef-bot" }));
    expect(off).toContain('"status":"disabled"');
    await waitFor(() => !w.s.sandbox.control.isOnline(chefUser), 30_000, "chef offline");
    // Disabled, the bot is in no guild any more: only its creator (or the operator) may bring it back.
    const back = await bobb(w.s.general, w.chris, call("enable_agent", { id: "chef-bot" }));
    expect(back).toContain('"status":"ready_to_start"');
    await waitFor(() => agent("chef-bot")?.status === "active" && w.s.sandbox.control.isOnline(chefUser), 60_000, "chef back");
  }, 120_000);

  it("renames and persona changes are rate-limited per bot", async () => {
    let reply = "";
    for (let i = 0; i < 6 && !reply.includes("RATE_LIMITED"); i++) {
      reply = await bobb(w.s.general, w.chris, call("update_agent", { id: "chef-bot", persona: `Cooks dish ${i}.` }));
    }
    expect(reply).toContain("RATE_LIMITED");
    expect(reply).toMatch(/try again in \d+ minutes?/);
  }, 120_000);
});

describe("removing", () => {
  it("the creator removes the bot through BoBB: bot stopped, token gone, sessions deleted, folder kept under agents/.removed", async () => {
    const sessionsFile = path.join(w.s.dir, "data", "opencode", `sessions-${testMode()}.json`);
    await ask(w.s, w.s.general, w.chris, chefUser, `<@${chefUser}> one last dinner?`);
    expect(await readFile(sessionsFile, "utf8")).toContain("chef-bot");
    const token = agent("chef-bot")!.token!;
    const reply = await bobb(w.s.general, w.chris, call("remove_agent", { id: "chef-bot" }));
    expect(reply).toContain("agents/.removed/chef-bot-");
    expect(agent("chef-bot")).toBeUndefined();
    await waitFor(() => !w.s.sandbox.control.isOnline(chefUser) && !w.s.app.bots.get("chef-bot"), 30_000, "chef stopped");
    expect(await readFile(w.s.app.registry.location, "utf8")).not.toContain(token);
    expect(await readFile(sessionsFile, "utf8")).not.toContain("chef-bot");
    const removed = await readdir(path.join(w.s.dir, "agents", ".removed"));
    expect(removed).toHaveLength(1);
    expect(removed[0]).toMatch(/^chef-bot-\d{8}T\d{6}Z$/);
    expect((await stat(path.join(w.s.dir, "agents", ".removed", removed[0]!, "AGENTS.md"))).isFile()).toBe(true);
    await expect(stat(path.join(w.s.dir, "agents", "chef-bot"))).rejects.toThrow();
  }, 120_000);
});
