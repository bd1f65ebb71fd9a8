// A Discord-compatible server whose tokens are JWTs (issue 14): before, only Discord's token shape
// was recognised, so such a token DM'd to BoBB went to BoBB's model and into its session files.
// Now a credential-shaped DM from someone with a pending bot goes to intake whatever its shape, and
// credential-shaped text is redacted from everything a model is handed (history lines too).
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INTAKE_TEXT } from "../../src/agents/index.js";
import { startSupervisor, type Supervisor } from "../helpers/supervisor.js";
import { filesHolding } from "../helpers/temp.js";
import { waitFor } from "../helpers/wait.js";

let s: Supervisor;
let dm = "";
beforeAll(async () => {
  s = await startSupervisor({ mode: "shared", sandbox: { tokenStyle: "jwt" } });
  dm = s.sandbox.control.openDm(s.humanId, s.bobbUserId).channel_id;
}, 180_000);
afterAll(async () => {
  await s?.close();
});

const bobbLines = () =>
  s
    .messages(dm)
    .filter((m) => m.author.id === s.bobbUserId)
    .map((m) => m.content);

/** Files under the supervisor's dir holding `secret`, relative. */
const holders = (secret: string) => filesHolding(s.dir, secret);

/** Nothing a model was sent holds the secret or a long piece of it. */
function modelNeverSaw(secret: string): void {
  for (const r of s.model.requests) {
    expect(r.raw).not.toContain(secret);
    expect(r.raw).not.toContain(secret.slice(-24));
  }
}

describe("a server whose bot tokens are JWTs", () => {
  it("a JWT token DM'd to BoBB is taken in, validated and the bot started; no model request or session file holds it", async () => {
    await s.api("POST", "/api/registry/agents", { name: "Chef Bot", persona: "Cooks pasta.", created_by: s.humanId });
    const app = s.sandbox.control.createApplication("Chef Bot", { message_content_intent: true });
    expect(app.token).toMatch(/^eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+$/);
    s.sandbox.control.addBotToGuild(s.sandbox.control.guildId(), app.application_id);
    // A conversation first, so BoBB has a session whose transcript could keep what follows.
    s.sandbox.control.postMessage(dm, s.humanId, "hello BoBB");
    await waitFor(() => bobbLines().length >= 1, 30_000, "BoBB's first DM reply");
    const before = bobbLines().length;
    s.sandbox.control.postMessage(dm, s.humanId, app.token);
    const confirmation = await waitFor(() => bobbLines()[before], 30_000, "the confirmation");
    expect(confirmation).toContain("**Chef Bot** is online: invite it with");
    expect(confirmation).toContain(`${s.sandbox.url}/oauth2/authorize?client_id=${app.bot_user_id}`);
    await waitFor(() => s.app.registry.snapshot.agents["chef-bot"]?.status === "active" && s.app.bots.get("chef-bot"), 60_000, "chef online");

    // The token message stays in the DM's history: the next turn's history lines must not carry it to the model.
    s.sandbox.control.postMessage(dm, s.humanId, "thanks! what now?");
    await waitFor(() => bobbLines().length >= before + 2, 30_000, "BoBB's next DM reply");
    expect(s.model.requests.some((r) => r.raw.includes("thanks! what now?"))).toBe(true);
    modelNeverSaw(app.token);
    for (const line of s.logs) expect(line).not.toContain(app.token);
    expect(await holders(app.token)).toEqual(["registry.json"]);
  }, 180_000);

  it("a credential-shaped word that is no token of this server gets a clear answer; nothing stored, nothing sent to the model", async () => {
    await s.api("POST", "/api/registry/agents", { name: "Pirate Bot", persona: "Says arr.", created_by: s.humanId });
    const word = `k9${randomBytes(30).toString("base64url")}`;
    const before = bobbLines().length;
    const requests = s.model.requests.length;
    s.sandbox.control.postMessage(dm, s.humanId, word);
    expect(await waitFor(() => bobbLines()[before], 30_000, "the answer")).toBe(INTAKE_TEXT.notForThisServer);
    expect(s.model.requests.length).toBe(requests);
    expect(s.app.registry.snapshot.agents["pirate-bot"]).toMatchObject({ status: "pending_token", token: null });
    // A key pasted inside a sentence is not intake's, but the model gets it redacted, in the message and in history.
    const key = `sk-${randomBytes(24).toString("base64url")}7`;
    s.sandbox.control.postMessage(dm, s.humanId, `is this key safe to share: ${key} ?`);
    await waitFor(() => s.model.requests.some((r) => r.raw.includes("is this key safe to share")), 30_000, "the model asked");
    modelNeverSaw(word);
    modelNeverSaw(key);
    expect(await holders(word)).toEqual([]);
  }, 120_000);

  it("a JWT token DM'd to a child bot is answered by code, never by its model", async () => {
    const chefUser = s.app.registry.snapshot.agents["chef-bot"]!.discord_user_id!;
    const other = s.sandbox.control.createApplication("Other Bot");
    const chefDm = s.sandbox.control.openDm(s.humanId, chefUser).channel_id;
    s.sandbox.control.postMessage(chefDm, s.humanId, other.token);
    const answer = await waitFor(() => s.messages(chefDm).find((m) => m.author.id === chefUser), 30_000, "the chef's answer");
    expect(answer.content).toBe(INTAKE_TEXT.notForMe);
    modelNeverSaw(other.token);
  }, 60_000);
});
