import { MessageFlags } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSupervisor, type Supervisor } from "../helpers/supervisor.js";
import { waitFor } from "../helpers/wait.js";
import { answerOf, ask, buttonsOf, click, runCommand, viewInteraction } from "./helpers.js";

// Every /bobb command through the control API (POST /control/interactions, GET /control/interactions/:id), answered
// by the real supervisor's BoBB with discord.js; the scripted demo model writes personas.

let s: Supervisor;
let chris: string;
let mallory: string;
let manager: string;
beforeAll(async () => {
  s = await startSupervisor({ mode: "shared" });
  chris = s.humanId;
  mallory = s.sandbox.control.createUser("mallory").id;
  manager = s.sandbox.control.guilds()[0]!.members.find((m) => m.username === "sandbox-owner")!.id;
  await waitFor(() => s.sandbox.control.guildCommands(s.sandbox.control.guildId()).length === 2, 30_000, "BoBB's commands");
}, 120_000);
afterAll(() => s?.close());

const agents = () => Object.values(s.app.registry.snapshot.agents);

describe("/bobb", () => {
  it("help and create with a persona: ephemeral answers with the setup steps; the creator is the person who ran it", async () => {
    const help = await ask(s, chris, "bobb help");
    expect(help.answer.ephemeral).toBe(true);
    expect(help.answer.content).toContain("/bobb create");
    expect(help.answer.content).toContain("/stop");

    const { view, answer } = await ask(s, chris, "bobb create", { name: "Chef Bot", persona: "A chef who only cooks Italian." });
    expect(view.acknowledged).toBe(4);
    expect(answer.ephemeral).toBe(true);
    expect(answer.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    for (const step of ["I created **Chef Bot**", "New Application", "Reset Token", "Submit token", "/bobb token", "direct message"])
      expect(answer.content).toContain(step);
    // BoBB switches the intent on itself (the portal step comes back only when Discord refuses), and the form is one click away.
    expect(answer.content).not.toContain("MESSAGE CONTENT");
    expect(buttonsOf(answer)).toEqual(["bobb:token:open:chef-bot"]);
    expect(agents().find((a) => a.id === "chef-bot")).toMatchObject({
      name: "Chef Bot",
      created_by: chris,
      status: "pending_token",
      persona: "A chef who only cooks Italian.",
    });
    // Nothing of it shows in the channel for others.
    expect(s.messages(s.general).some((m) => m.content.includes("Reset Token"))).toBe(false);
  });

  it("create without a persona: BoBB's model writes one; a taken or bad name is refused before the model is asked", async () => {
    const { answer } = await ask(s, chris, "bobb create", { name: "Pirate Bot" });
    expect(answer.ephemeral).toBe(true);
    expect(answer.content).toContain("I wrote its persona");
    const pirate = agents().find((a) => a.id === "pirate-bot")!;
    expect(pirate.created_by).toBe(chris);
    expect(pirate.persona).toMatch(/pirate/i);

    const requests = s.model.requests.length;
    const taken = await ask(s, mallory, "bobb create", { name: "chef bot" });
    expect(taken.answer).toMatchObject({ ephemeral: true });
    expect(taken.answer.content).toMatch(/already exists/);
    const bad = await ask(s, mallory, "bobb create", { name: "BoBB" });
    expect(bad.answer.content).toMatch(/option "name": a name other than BoBB/i);
    expect(s.model.requests.length).toBe(requests);
  });

  it("list shows only the caller's bots, ephemerally", async () => {
    const mine = await ask(s, chris, "bobb list");
    expect(mine.answer.ephemeral).toBe(true);
    expect(mine.answer.content).toContain("**Chef Bot**");
    expect(mine.answer.content).toContain("**Pirate Bot**");
    expect(mine.answer.content).toContain("waiting for its token");
    const none = await ask(s, mallory, "bobb list");
    expect(none.answer.content).toMatch(/not created any bots/);
  });

  it("edit: another person gets a clear ephemeral refusal; the creator renames; an unknown bot lists the caller's bots", async () => {
    const refused = await ask(s, mallory, "bobb edit", { bot: "Chef Bot", persona: "A chef who burns everything." });
    expect(refused.answer.ephemeral).toBe(true);
    expect(refused.answer.content).toMatch(/only chris or a server manager can change Chef Bot/i);
    expect(agents().find((a) => a.id === "chef-bot")!.persona).toBe("A chef who only cooks Italian.");

    const renamed = await ask(s, chris, "bobb edit", { bot: "chef-bot", name: "Cook Bot" });
    expect(renamed.answer.content).toMatch(/renamed to \*\*Cook Bot\*\*/);
    expect(agents().find((a) => a.id === "chef-bot")!.name).toBe("Cook Bot");

    const nothing = await ask(s, chris, "bobb edit", { bot: "Cook Bot" });
    expect(nothing.answer.content).toMatch(/new `name`, a new `persona`/);
    const unknown = await ask(s, chris, "bobb edit", { bot: "Nobody Bot", name: "X Bot" });
    expect(unknown.answer.ephemeral).toBe(true);
    expect(unknown.answer.content).toMatch(/no bot called "Nobody Bot".*Your bots: \*\*Cook Bot\*\* \(`chef-bot`\), \*\*Pirate Bot\*\*/);
  });

  it("token and invite: the token form opens for the creator; a pending bot has no link yet; an online bot's link is given again", async () => {
    const token = await runCommand(s, chris, "bobb token", { bot: "Pirate Bot" });
    const opened = await waitFor(async () => ((await viewInteraction(s, token)).modal as { custom_id: string } | null) ?? undefined, 15_000, "the token form");
    expect(opened).toMatchObject({ custom_id: "bobb:token:form:pirate-bot" });
    const notYours = await ask(s, mallory, "bobb token", { bot: "Pirate Bot" });
    expect(notYours.answer.content).toMatch(/only chris or a server manager/i);

    const pending = await ask(s, chris, "bobb invite", { bot: "Pirate Bot" });
    expect(pending.answer.content).toMatch(/waits for its token/);
    const child = await s.addChild("Jazz Bot", "A jazz fan.");
    const invite = await ask(s, chris, "bobb invite", { bot: "jazz bot" });
    expect(invite.answer.ephemeral).toBe(true);
    expect(invite.answer.content).toContain(`client_id=${child.userId}`);
  });

  it("remove: refused for another person; the creator confirms with the button; Cancel keeps the bot", async () => {
    const refused = await ask(s, mallory, "bobb remove", { bot: "Pirate Bot" });
    expect(refused.answer.content).toMatch(/only chris or a server manager can change Pirate Bot/i);
    expect(buttonsOf(refused.answer)).toEqual([]);

    const asked = await ask(s, chris, "bobb remove", { bot: "Pirate Bot" });
    expect(asked.answer.ephemeral).toBe(true);
    expect(buttonsOf(asked.answer)).toEqual(["bobb-remove:yes:pirate-bot", "bobb-remove:no:pirate-bot"]);
    const cancel = await click(s, asked.answer.id, chris, "bobb-remove:no:pirate-bot");
    await waitFor(async () => (await viewInteraction(s, cancel)).acknowledged === 7, 15_000, "cancel acknowledged");
    expect(agents().some((a) => a.id === "pirate-bot")).toBe(true);

    const again = await ask(s, chris, "bobb remove", { bot: "Pirate Bot" });
    const confirm = await click(s, again.answer.id, chris, "bobb-remove:yes:pirate-bot");
    await waitFor(() => !agents().some((a) => a.id === "pirate-bot"), 30_000, "Pirate Bot removed");
    const shown = await waitFor(
      () =>
        (s.sandbox.control.listMessages(s.general, chris) as Array<{ id: string; content: string }>).find(
          (m) => m.id === again.answer.id && m.content.includes("was removed"),
        ),
      30_000,
      "the confirmation's message to say it was removed",
    );
    expect(shown.content).toMatch(/Pirate Bot was removed/);
    expect((await viewInteraction(s, confirm)).acknowledged).toBe(7);
  });

  it("a server manager may edit someone else's bot that is in their guild", async () => {
    const edited = await ask(s, manager, "bobb edit", { bot: "Jazz Bot", persona: "A jazz fan who loves Coltrane." });
    expect(edited.answer.content).toMatch(/has its new persona/);
    expect(agents().find((a) => a.id === "jazz-bot")!.persona).toBe("A jazz fan who loves Coltrane.");
  });

  it("the model writing a persona cannot act: its tool calls are refused (no live turn) and the creator stays the person", async () => {
    const sneaky = /Write the persona for a new Discord bot named "Sneaky Bot"/;
    s.model.prependRules(
      {
        name: "persona with a tool call",
        user: sneaky,
        reply: { toolCalls: [{ name: "create_agent", args: { name: "Evil Bot", persona: "Evil.", created_by: mallory } }] },
      },
      { name: "persona after the tool", user: sneaky, after: "tool", reply: "Sneaky Bot tells jokes." },
    );
    const { answer } = await ask(s, chris, "bobb create", { name: "Sneaky Bot" });
    expect(answer.content).toContain("Sneaky Bot tells jokes.");
    expect(agents().some((a) => a.name === "Evil Bot")).toBe(false);
    expect(agents().find((a) => a.id === "sneaky-bot")).toMatchObject({ created_by: chris, persona: "Sneaky Bot tells jokes." });
    const followUp = s.model.requests.find((r) => r.rule === "persona after the tool")!;
    expect(followUp.view.toolResults.at(-1)!.output).toContain("NO_LIVE_TURN");
  });

  it("a slow model answer is deferred within Discord's 3 s and filled in when the persona arrives", async () => {
    s.model.prependRules({
      name: "slow persona",
      user: /Write the persona for a new Discord bot named "Slow Bot"/,
      delayMs: 4_000,
      reply: "Slow Bot takes its time.",
      times: 1,
    });
    const id = await runCommand(s, chris, "bobb create", { name: "Slow Bot" });
    const deferred = await waitFor(async () => ((await viewInteraction(s, id)).acknowledged ? viewInteraction(s, id) : undefined), 3_000, "the deferral");
    expect(deferred.acknowledged).toBe(5);
    expect(deferred.responses[0]).toMatchObject({ ephemeral: true, content: "" });
    const { view, answer } = await answerOf(s, id);
    expect(view.expired).toBe(false);
    expect(answer.ephemeral).toBe(true);
    expect(answer.content).toContain("Slow Bot takes its time.");
    expect(agents().find((a) => a.id === "slow-bot")!.persona).toBe("Slow Bot takes its time.");
  });
});
