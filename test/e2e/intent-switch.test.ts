// The intent switch. BoBB switches the MESSAGE CONTENT intent on through Discord's API
// (PATCH /applications/@me), so its steps no longer ask for it. Where Discord refuses (a
// verified app), BoBB falls back to the portal step: one message saying the bot did not start
// and what to switch on; once it is on, the same token sent again brings the bot online.
// The token here goes by DM (the old flow), which also gets the reminder to delete it.
import { expect, it } from "vitest";
import { INTAKE_TEXT } from "../../src/agents/index.js";
import { controlCall } from "../helpers/sandbox.js";
import { startSupervisor } from "../helpers/supervisor.js";
import { waitFor } from "../helpers/wait.js";

it("a verified app: Discord refuses the intent flag, BoBB reports the portal step; after the portal switch the token starts it", async () => {
  const s = await startSupervisor({ mode: "shared" });
  try {
    s.sandbox.control.postMessage(s.general, s.humanId, `<@${s.bobbUserId}> create a chef bot that only cooks Italian`);
    const steps = await waitFor(
      () => s.messages(s.general).find((m) => m.author.id === s.bobbUserId && m.content.includes("Reset Token")),
      60_000,
      "BoBB's steps",
    );
    expect(steps.content).not.toContain("MESSAGE CONTENT INTENT");
    const app = s.sandbox.control.createApplication("Chef Bot"); // intent off, and the app may not set it itself
    s.sandbox.control.addBotToGuild(s.sandbox.control.guildId(), app.application_id);
    expect(await controlCall(s.sandbox, "PATCH", `/portal/applications/${app.application_id}`, { verified: true })).toMatchObject({ status: 200 });
    const connections = s.sandbox.control.gatewayStats().connections;

    const dm = s.sandbox.control.openDm(s.humanId, s.bobbUserId).channel_id;
    const bobbSaid = () =>
      s
        .messages(dm)
        .filter((m) => m.author.id === s.bobbUserId)
        .map((m) => m.content);
    s.sandbox.control.postMessage(dm, s.humanId, app.token);
    // One message for the outcome, with the DM's delete-your-message reminder.
    const report = await waitFor(() => bobbSaid()[0], 60_000, "BoBB's failure report");
    expect(report).toBe(`${INTAKE_TEXT.startFailed("Chef Bot", INTAKE_TEXT.intentPortalStep)}\n${INTAKE_TEXT.dmKeepsToken}`);
    expect(bobbSaid()).toHaveLength(1);
    expect(s.sandbox.control.isOnline(app.bot_user_id)).toBe(false);
    // No login was tried (Discord would have refused it with 4014).
    expect(s.sandbox.control.gatewayStats().connections).toBe(connections);
    const portal = () => s.sandbox.control.applications().find((a) => a.application_id === app.application_id)!;
    expect(portal().message_content_intent).toBe(false);
    // What the API could still set, it set.
    expect(portal().description).toContain("only cooks Italian");
    expect(portal().avatar).toMatch(/^[0-9a-f]{32}$/);

    s.sandbox.control.updateApplication(app.application_id, { message_content_intent: true });
    s.sandbox.control.postMessage(dm, s.humanId, app.token);
    await waitFor(
      () => s.sandbox.control.isOnline(app.bot_user_id) && s.app.registry.snapshot.agents["chef-bot"]?.status === "active",
      60_000,
      "Chef Bot online",
    );
    const online = await waitFor(() => bobbSaid()[1], 30_000, "BoBB's online message");
    expect(online).toContain("**Chef Bot** is online: invite it with ");
    expect(bobbSaid()).toHaveLength(2);
    for (const line of s.logs) expect(line).not.toContain(app.token);
  } finally {
    await s.close();
  }
}, 180_000);
