// The token form end to end, Discord-native: BoBB's setup steps carry a "Submit token" button
// (the supervisor's, not the model's), the button opens a modal, the submitted token is checked,
// stored and started like a DM'd one, and BoBB sets up the app itself (MESSAGE CONTENT intent,
// description, avatar). Canary: the token appears in no message, log, model request or file
// except registry.json.
import { ApplicationFlags } from "discord.js";
import { afterAll, beforeAll, expect, it } from "vitest";
import { INTAKE_TEXT } from "../../src/agents/index.js";
import { descriptionOf } from "../../src/discord/index.js";
import type { ObservedEvent } from "../../src/sandbox/index.js";
import { controlCall } from "../helpers/sandbox.js";
import { startSupervisor, type Supervisor } from "../helpers/supervisor.js";
import { filesHolding } from "../helpers/temp.js";
import { waitFor } from "../helpers/wait.js";

let s: Supervisor;
const seen: ObservedEvent[] = [];
const unsubscribe: (() => void)[] = [];
let mallory: string;
beforeAll(async () => {
  s = await startSupervisor({ mode: "shared" });
  mallory = s.sandbox.control.createUser("mallory").id;
  // Everything both people could see, ephemeral answers included.
  for (const viewer of [s.humanId, mallory]) unsubscribe.push(s.sandbox.control.onEvent((e) => seen.push(e), viewer));
}, 180_000);
afterAll(async () => {
  for (const off of unsubscribe) off();
  await s?.close();
});

interface Interaction {
  acknowledged: number | null;
  responses: Array<{ content: string; ephemeral: boolean }>;
  modal: { custom_id: string; title: string; components: unknown[] } | null;
}
const interaction = async (id: string) => (await controlCall(s.sandbox, "GET", `/control/interactions/${id}`)).json as Interaction;
const click = async (messageId: string, userId: string, customId: string) => {
  const res = await controlCall(s.sandbox, "POST", `/control/messages/${messageId}/components`, { user_id: userId, custom_id: customId });
  expect(res.status).toBe(201);
  return (res.json as { interaction_id: string }).interaction_id;
};

it("steps with a Submit token button → modal → bot online with intent, description and avatar; the token is nowhere else", async () => {
  s.sandbox.control.postMessage(s.general, s.humanId, `<@${s.bobbUserId}> create a pirate bot that says arr and hunts treasure`);
  const steps = await waitFor(
    () =>
      s.sandbox.control
        .listMessages(s.general)
        .find((m) => (m["author"] as { id: string }).id === s.bobbUserId && String(m["content"]).includes("Reset Token")),
    60_000,
    "BoBB's setup steps",
  );
  // The form first, the DM as the fallback; no intent step (BoBB switches it on itself).
  expect(steps["content"]).toMatch(/Submit token/);
  expect(steps["content"]).toMatch(/direct message/);
  expect(steps["content"]).not.toMatch(/MESSAGE CONTENT INTENT/);
  const agent = s.app.registry.snapshot.agents["pirate-bot"]!;
  expect(agent).toMatchObject({ status: "pending_token", created_by: s.humanId });
  const button = `bobb:token:open:${agent.id}`;
  expect(steps["components"]).toMatchObject([{ type: 1, components: [{ type: 2, custom_id: button, label: "Submit token" }] }]);
  const stepsId = String(steps["id"]);

  // Someone else may not open the form.
  const refusedId = await click(stepsId, mallory, button);
  const refused = await waitFor(async () => ((await interaction(refusedId)).responses.length > 0 ? interaction(refusedId) : undefined), 10_000, "refusal");
  expect(refused.modal).toBeNull();
  expect(refused.responses).toMatchObject([{ ephemeral: true, content: expect.stringContaining("Only the person who created **Pirate Bot**") }]);

  // The person makes the app in the portal and leaves the MESSAGE CONTENT intent off.
  const app = s.sandbox.control.createApplication("Pirate Bot");
  s.sandbox.control.addBotToGuild(s.sandbox.control.guildId(), app.application_id);
  expect(s.sandbox.control.applications().find((a) => a.application_id === app.application_id)).toMatchObject({ message_content_intent: false, avatar: null });

  const clickId = await click(stepsId, s.humanId, button);
  const opened = await waitFor(async () => ((await interaction(clickId)).modal ? interaction(clickId) : undefined), 10_000, "the modal");
  expect(opened.acknowledged).toBe(9);
  expect(opened.modal).toMatchObject({ custom_id: `bobb:token:form:${agent.id}`, title: "Token for Pirate Bot" });
  expect(JSON.stringify(opened.modal!.components)).toContain('"custom_id":"token"');

  const submit = await controlCall(s.sandbox, "POST", `/control/interactions/${clickId}/modal`, { values: { token: app.token } });
  expect(submit.status).toBe(201);
  const submitId = (submit.json as { interaction_id: string }).interaction_id;
  const answer = await waitFor(
    async () => (await interaction(submitId)).responses.find((r) => r.content.includes("is online: invite it with")),
    30_000,
    "the form's answer",
  );
  expect(answer.ephemeral).toBe(true);
  expect(answer.content).toContain(`client_id=${app.bot_user_id}`);
  expect(answer.content).not.toContain(INTAKE_TEXT.dmKeepsToken);

  await waitFor(
    () => s.sandbox.control.isOnline(app.bot_user_id) && s.app.registry.snapshot.agents[agent.id]?.status === "active",
    60_000,
    "Pirate Bot online",
  );
  // BoBB set the app up through the API: the intent flag, the description, the avatar.
  const portal = (await controlCall(s.sandbox, "GET", "/portal/applications")).json as Array<Record<string, unknown>>;
  const shown = portal.find((a) => a["application_id"] === app.application_id)!;
  expect(shown).toMatchObject({ message_content_intent: true, description: descriptionOf(agent.persona) });
  expect(Number(shown["flags"]) & ApplicationFlags.GatewayMessageContentLimited).toBeTruthy();
  expect(shown["avatar"]).toMatch(/^[0-9a-f]{32}$/);
  const avatar = await fetch(`${s.sandbox.url}${String(shown["avatar_url"])}`);
  expect(avatar.headers.get("content-type")).toBe("image/png");
  // The failure watch said nothing: one message for the outcome.
  expect((await interaction(submitId)).responses).toHaveLength(1);

  // Canary.
  const token = app.token;
  const dms = [s.humanId, mallory].flatMap((u) => [s.bobbUserId, app.bot_user_id].map((b) => s.sandbox.control.openDm(u, b).channel_id));
  const channels = [...s.sandbox.control.guilds().flatMap((g) => g.channels.map((c) => c.id)), ...dms];
  for (const channel of channels) {
    for (const viewer of [s.humanId, mallory]) {
      const listed = await controlCall(s.sandbox, "GET", `/control/channels/${channel}/messages?user_id=${viewer}`);
      expect(listed.status).toBe(200);
      expect(JSON.stringify(listed.json)).not.toContain(token);
    }
  }
  for (const id of [refusedId, clickId, submitId]) expect(JSON.stringify(await interaction(id))).not.toContain(token);
  expect(seen.length).toBeGreaterThan(0);
  expect(JSON.stringify(seen)).not.toContain(token);
  for (const line of s.logs) expect(line).not.toContain(token);
  expect(s.model.requests.length).toBeGreaterThan(0);
  for (const r of s.model.requests) expect(r.raw).not.toContain(token);
  const holders = await filesHolding(s.dir, token);
  expect(holders).toEqual(["registry.json"]);
}, 240_000);

it("the model relays the steps with send_message and ends silent: the button still comes, on its own line", async () => {
  s.model.prependRules(
    {
      name: "create quietly",
      agent: "bobb",
      user: /relay bot/i,
      reply: { toolCalls: [{ name: "create_agent", args: { name: "Relay Bot", persona: "Relays." } }] },
    },
    {
      name: "steps by tool",
      agent: "bobb",
      after: "tool",
      tool: "create_agent",
      reply: { toolCalls: [{ name: "send_message", args: { content: "Steps: Reset Token, then the form." } }] },
    },
    { name: "silent end", agent: "bobb", after: "tool", tool: "send_message", reply: "" },
  );
  const ask = s.sandbox.control.postMessage(s.general, s.humanId, `<@${s.bobbUserId}> make the relay bot`);
  const line = await waitFor(
    () =>
      s.sandbox.control
        .listMessages(s.general)
        .find((m) => (m["author"] as { id: string }).id === s.bobbUserId && Array.isArray(m["components"]) && String(m["content"]).includes("Relay Bot")),
    60_000,
    "the button line",
  );
  expect(line["content"]).toBe(INTAKE_TEXT.formPrompt(["Relay Bot"]));
  expect(line["components"]).toMatchObject([{ components: [{ custom_id: "bobb:token:open:relay-bot" }] }]);
  expect((line["message_reference"] as { message_id: string }).message_id).toBe(ask["id"]);
  expect(s.messages(s.general).some((m) => m.author.id === s.bobbUserId && m.content === "Steps: Reset Token, then the form.")).toBe(true);
}, 120_000);
