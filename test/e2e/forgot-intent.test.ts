// The newcomer's most common slip: MESSAGE CONTENT INTENT left off in the portal. Discord
// refuses the bot's login (close code 4014); BoBB says so in the DM, in one message and with no
// "online" line before it, and once the intent is on the same token sent again brings the bot online.
import { expect, it } from "vitest";
import { INTAKE_TEXT } from "../../src/agents/index.js";
import { startSupervisor } from "../helpers/supervisor.js";
import { waitFor } from "../helpers/wait.js";

it("a bot whose intent is off: BoBB reports why in the DM; the token sent again after the fix starts it", async () => {
  const s = await startSupervisor({ mode: "shared" });
  try {
    s.sandbox.control.postMessage(s.general, s.humanId, `<@${s.bobbUserId}> create a chef bot that only cooks Italian`);
    await waitFor(() => s.messages(s.general).find((m) => m.author.id === s.bobbUserId && m.content.includes("Reset Token")), 60_000, "BoBB's portal steps");
    const app = s.sandbox.control.createApplication("Chef Bot"); // the intent step skipped
    s.sandbox.control.addBotToGuild(s.sandbox.control.guildId(), app.application_id);
    const dm = s.sandbox.control.openDm(s.humanId, s.bobbUserId).channel_id;
    const bobbSaid = () =>
      s
        .messages(dm)
        .filter((m) => m.author.id === s.bobbUserId)
        .map((m) => m.content);
    s.sandbox.control.postMessage(dm, s.humanId, app.token);
    const report = await waitFor(() => bobbSaid()[0], 60_000, "BoBB's failure report");
    expect(report).toBe(
      INTAKE_TEXT.startFailed(
        "Chef Bot",
        "the bot's application has not enabled the MESSAGE CONTENT intent; turn it on under Bot → Privileged Gateway Intents",
      ),
    );
    expect(s.sandbox.control.isOnline(app.bot_user_id)).toBe(false);
    expect(bobbSaid()).toHaveLength(1);

    s.sandbox.control.updateApplication(app.application_id, { message_content_intent: true });
    s.sandbox.control.postMessage(dm, s.humanId, app.token);
    await waitFor(
      () => s.sandbox.control.isOnline(app.bot_user_id) && s.app.registry.snapshot.agents["chef-bot"]?.status === "active",
      60_000,
      "Chef Bot online",
    );
    const online = await waitFor(() => bobbSaid()[1], 30_000, "BoBB's online message");
    expect(online).toContain("**Chef Bot** is online: invite it with ");
    expect(online).toContain(`client_id=${app.bot_user_id}`);
    expect(bobbSaid()).toHaveLength(2);
    for (const line of s.logs) expect(line).not.toContain(app.token);
  } finally {
    await s.close();
  }
}, 180_000);
