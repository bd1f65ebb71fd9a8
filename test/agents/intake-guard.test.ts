import path from "node:path";
import { RESTEvents } from "discord.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { INTAKE_TEXT, intakeMessage, TokenIntake, validateToken } from "../../src/agents/index.js";
import { NoteBoard, type AgentBrain } from "../../src/discord/index.js";
import { RegistryStore, addAgent } from "../../src/registry/index.js";
import { startBotsHarness, type BotsHarness } from "../helpers/bots.js";
import { tempDir } from "../helpers/temp.js";
import { waitFor } from "../helpers/wait.js";

/**
 * Token intake's guards on the real sandbox with real discord.js clients: the shape check and
 * the per-person limit before Discord is asked, the local Manage Messages check before a
 * delete, every bot guarding its channels (one warning however many bots see the token), and
 * a token DM'd to a child bot.
 */
let h: BotsHarness;
let registry: RegistryStore;
let cleanup: () => Promise<void>;
let prompts: string[];
let validations: number;
let bobbUser: string;
/** When set, only this bot's sightings reach intake (the others' are swallowed), to fix who sees a message first. */
let onlyAgent: string | undefined;
/** The token shapes the server issues ("discord" as discord.com itself); read by intake at each message. */
let shapes: "discord" | "any";

beforeEach(async () => {
  const dir = await tempDir();
  cleanup = dir.cleanup;
  prompts = [];
  validations = 0;
  onlyAgent = undefined;
  shapes = "any";
  const notes = new NoteBoard();
  const brain: AgentBrain = {
    prompt: async (_a, _k, text) => (prompts.push(text), { text: "model answer", usedTools: [] }),
    abort: async () => undefined,
  };
  const ref: { intake?: TokenIntake } = {};
  h = await startBotsHarness(brain, {
    notes,
    intercept: async (bot, message) =>
      (onlyAgent !== undefined && bot.spec.agentId !== onlyAgent) ||
      ref.intake!.handle(
        bot.spec.agentId,
        intakeMessage(message, () => h.bots.list().map((b) => b.client)),
      ),
  });
  registry = new RegistryStore({ file: path.join(dir.dir, "registry.json"), firstPort: 4700, logger: h.logger });
  await registry.open();
  const apiUrl = `${h.sandbox.url}/api`;
  ref.intake = new TokenIntake({
    registry,
    logger: h.logger,
    apiUrl,
    inviteUrl: (id) => `${h.sandbox.url}/oauth2/authorize?client_id=${id}&scope=bot`,
    notes,
    validate: (url, token, options) => (validations++, validateToken(url, token, options)),
    get tokenShapes() {
      return shapes;
    },
  });
  bobbUser = (await h.addBot("bobb", "BoBB")).userId;
});
afterEach(async () => {
  await registry.close();
  await h.close();
  await cleanup();
});

const said = (channel: string, userId: string) =>
  h.sandbox.control
    .listMessages(channel)
    .filter((m) => (m.author as { id: string }).id === userId)
    .map((m) => String(m.content));

/** A token-shaped string whose first part is base64 of a snowflake, as Discord's are. */
function shapedToken(userId: string): string {
  return `${Buffer.from(userId).toString("base64url")}.GZxYzA.${"q".repeat(38)}`;
}

describe("before Discord is asked", () => {
  it("a token whose first part is not a snowflake is refused without a Discord call", async () => {
    const dm = h.sandbox.control.openDm(h.humanId, bobbUser).channel_id;
    h.sandbox.control.postMessage(dm, h.humanId, `${"A".repeat(26)}.BBBBBB.${"c".repeat(30)}`);
    expect(await waitFor(() => said(dm, bobbUser)[0], 10_000, "reply")).toBe(INTAKE_TEXT.malformed);
    expect(validations).toBe(0);
  });

  it("checks at most 5 tokens a minute per person, then says so without asking Discord", async () => {
    await registry.update((d) => addAgent(d, { name: "Chef Bot", persona: "p", created_by: h.humanId }, d.next_port, new Date()));
    const dm = h.sandbox.control.openDm(h.humanId, bobbUser).channel_id;
    for (let i = 0; i < 6; i++) {
      h.sandbox.control.postMessage(dm, h.humanId, shapedToken(`11111111111111111${i}`));
      await waitFor(() => said(dm, bobbUser)[i], 10_000, `reply ${i}`);
    }
    expect(said(dm, bobbUser).slice(0, 5)).toEqual(Array(5).fill(INTAKE_TEXT.rejected));
    expect(said(dm, bobbUser)[5]).toBe(INTAKE_TEXT.tooMany);
    expect(validations).toBe(5);
    // Another person has their own allowance.
    const other = h.sandbox.control.createUser("dana").id;
    const otherDm = h.sandbox.control.openDm(other, bobbUser).channel_id;
    h.sandbox.control.postMessage(otherDm, other, shapedToken("222222222222222222"));
    expect(await waitFor(() => said(otherDm, bobbUser)[0], 10_000, "other reply")).toBe(INTAKE_TEXT.rejected);
  });
});

describe("a credential-shaped DM of another shape", () => {
  const jwt = `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwMTIzNDU2Nzg5In0.${"s".repeat(20)}Q1w2E3r4T5y6`;

  it("against discord.com: refused as no token of this server, without a Discord call; nothing stored", async () => {
    shapes = "discord";
    await registry.update((d) => addAgent(d, { name: "Chef Bot", persona: "p", created_by: h.humanId }, d.next_port, new Date()));
    const dm = h.sandbox.control.openDm(h.humanId, bobbUser).channel_id;
    h.sandbox.control.postMessage(dm, h.humanId, jwt);
    expect(await waitFor(() => said(dm, bobbUser)[0], 10_000, "reply")).toBe(INTAKE_TEXT.notForThisServer);
    expect(validations).toBe(0);
    expect(prompts).toEqual([]);
    expect(registry.snapshot.agents["chef-bot"]).toMatchObject({ status: "pending_token", token: null });
  });

  it("against another server: asked of the server, and a refused one gets the same answer", async () => {
    await registry.update((d) => addAgent(d, { name: "Chef Bot", persona: "p", created_by: h.humanId }, d.next_port, new Date()));
    const dm = h.sandbox.control.openDm(h.humanId, bobbUser).channel_id;
    h.sandbox.control.postMessage(dm, h.humanId, `\`${jwt}\``);
    expect(await waitFor(() => said(dm, bobbUser)[0], 10_000, "reply")).toBe(INTAKE_TEXT.notForThisServer);
    expect(validations).toBe(1);
    expect(prompts).toEqual([]);
  });

  it("from someone with no bot waiting, a single random word reaches the model only redacted", async () => {
    const dm = h.sandbox.control.openDm(h.humanId, bobbUser).channel_id;
    const word = "Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0LmNbVcX";
    h.sandbox.control.postMessage(dm, h.humanId, word);
    await waitFor(() => prompts.length > 0, 10_000, "the prompt");
    expect(prompts.join("\n")).not.toContain(word);
    expect(validations).toBe(0);
  });
});

describe("a token posted in a channel", () => {
  it("is not deleted by a bot without Manage Messages: no DELETE is sent, the author is told to delete it", async () => {
    h.sandbox.control.setManageMessages(h.sandbox.control.guildId(), bobbUser, false);
    const client = h.bots.get("bobb")!.client;
    await waitFor(() => client.guilds.cache.first()?.members.me?.permissions.has("ManageMessages") === false, 5000, "role update");
    const methods: string[] = [];
    client.rest.on(RESTEvents.Response, (request) => void methods.push(request.method));
    const app = h.sandbox.control.createApplication("Chef Bot");
    const posted = h.sandbox.control.postMessage(h.general, h.humanId, app.token);
    expect(await waitFor(() => said(h.general, bobbUser)[0], 10_000, "warning")).toBe(INTAKE_TEXT.exposed(h.humanId, false));
    expect(methods).not.toContain("DELETE");
    expect(h.sandbox.control.listMessages(h.general).some((m) => m.id === posted.id)).toBe(true);
  });

  it("is deleted by a child bot too, with exactly one warning when several bots see it", async () => {
    const chef = await h.addBot("chef", "Chef Bot");
    const app = h.sandbox.control.createApplication("Leaked Bot");
    const posted = h.sandbox.control.postMessage(h.general, h.humanId, `oops ${app.token}`);
    await waitFor(() => !h.sandbox.control.listMessages(h.general).some((m) => m.id === posted.id), 10_000, "deletion");
    // Both clients have seen it once the second one logs that it was already dealt with.
    await waitFor(() => h.logs.some((l) => l.includes("already handled")), 10_000, "second sighting");
    await waitFor(() => [...said(h.general, bobbUser), ...said(h.general, chef.userId)].length > 0, 10_000, "warning");
    const warnings = [...said(h.general, bobbUser), ...said(h.general, chef.userId)];
    expect(warnings).toEqual([INTAKE_TEXT.exposed(h.humanId, true)]);
    expect(prompts).toEqual([]);
    for (const line of h.logs) expect(line).not.toContain(app.token);
  });

  it("is deleted by a bot that may, when the one that saw it may not", async () => {
    const chef = await h.addBot("chef", "Chef Bot");
    onlyAgent = "chef";
    h.sandbox.control.setManageMessages(h.sandbox.control.guildId(), chef.userId, false);
    const chefClient = h.bots.get("chef")!.client;
    await waitFor(() => chefClient.guilds.cache.first()?.members.me?.permissions.has("ManageMessages") === false, 5000, "role update");
    const app = h.sandbox.control.createApplication("Leaked Bot");
    const posted = h.sandbox.control.postMessage(h.general, h.humanId, app.token);
    await waitFor(() => !h.sandbox.control.listMessages(h.general).some((m) => m.id === posted.id), 10_000, "deletion");
    expect(await waitFor(() => said(h.general, chef.userId)[0], 10_000, "warning")).toBe(INTAKE_TEXT.exposed(h.humanId, true));
    expect(said(h.general, bobbUser)).toEqual([]);
  });
});

describe("a token DM'd to a child bot", () => {
  it("is answered (send it to BoBB, reset it), never stored and never shown to the model", async () => {
    const chef = await h.addBot("chef", "Chef Bot");
    const dm = h.sandbox.control.openDm(h.humanId, chef.userId).channel_id;
    const app = h.sandbox.control.createApplication("Other Bot");
    h.sandbox.control.postMessage(dm, h.humanId, `is this right? ${app.token}`);
    expect(await waitFor(() => said(dm, chef.userId)[0], 10_000, "answer")).toBe(INTAKE_TEXT.notForMe);
    expect(INTAKE_TEXT.notForMe).toMatch(/BoBB/);
    expect(INTAKE_TEXT.notForMe).toMatch(/[Rr]eset/);
    expect(prompts).toEqual([]);
    expect(validations).toBe(0);
    for (const line of h.logs) expect(line).not.toContain(app.token);
  });
});
