import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commandDefinitions } from "../../src/discord/commands/index.js";
import { controlCall } from "../helpers/sandbox.js";
import { startSupervisor, type Supervisor } from "../helpers/supervisor.js";
import { waitFor } from "../helpers/wait.js";

// BoBB registers its slash commands per guild with discord.js against the sandbox; child bots register none,
// and a restart with the same definitions writes nothing (Discord allows 200 command creates a day per guild).

let s: Supervisor;
let bobbApp: string;
/** BoBB's command writes (every PUT/POST/PATCH/DELETE of its commands announces APPLICATION_COMMANDS_UPDATE). */
const writes: Array<string | null> = [];
beforeAll(async () => {
  s = await startSupervisor({ mode: "shared" });
  bobbApp = s.sandbox.control.applications().find((a) => a.bot_user_id === s.bobbUserId)!.application_id;
  s.sandbox.control.onEvent((event) => {
    const d = event.d as { application_id?: string; guild_id?: string | null };
    if (event.t === "APPLICATION_COMMANDS_UPDATE" && d.application_id === bobbApp) writes.push(d.guild_id ?? null);
  });
}, 120_000);
afterAll(() => s?.close());

type Listed = Array<{ name: string; application_id: string; scope: string; options?: Array<{ name: string }> }>;
const guildCommands = async (guildId = s.sandbox.control.guildId()) =>
  (await controlCall(s.sandbox, "GET", `/control/guilds/${guildId}/commands`)).json as Listed;

describe("slash command registration", () => {
  it("BoBB's /bobb (with its subcommands) and /stop are in the guild under BoBB's application id; a child bot has none", async () => {
    const listed = await waitFor(async () => ((await guildCommands()).length >= 2 ? guildCommands() : undefined), 30_000, "BoBB's commands");
    expect(listed.map((c) => [c.name, c.application_id, c.scope]).sort()).toEqual([
      ["bobb", bobbApp, "guild"],
      ["stop", bobbApp, "guild"],
    ]);
    const bobb = listed.find((c) => c.name === "bobb")!;
    expect(bobb.options!.map((o) => o.name)).toEqual(["create", "list", "edit", "remove", "token", "invite", "help", "room"]);
    const room = bobb.options!.find((o) => o.name === "room") as unknown as { type: number; options: Array<{ name: string }> };
    expect(room.type).toBe(2); // a subcommand group
    expect(room.options.map((o) => o.name)).toEqual(["open", "invite", "agents", "revoke", "close"]);
    const invite = (
      room.options as unknown as Array<{ name: string; options: Array<{ name: string; required?: boolean; choices?: Array<{ value: string }> }> }>
    ).find((o) => o.name === "invite")!;
    const forOption = invite.options.find((o) => o.name === "for")!;
    expect(forOption.required ?? false).toBe(false);
    expect(forOption.choices!.map((c) => c.value)).toEqual(["claude-code", "opencode", "a2a", "http", "websocket"]);

    const chef = await s.addChild("Chef Bot", "A chef who only cooks Italian.");
    expect(s.app.bots.get(chef.id)).toBeDefined();
    const after = await guildCommands();
    expect(after.filter((c) => c.application_id === chef.applicationId)).toEqual([]);
    expect(after).toHaveLength(2);
  });

  it("a restart with the same definitions registers nothing; a changed definition is written once", async () => {
    const before = writes.length;
    const checks = () => s.logs.filter((l) => l.includes("slash commands checked in every guild")).length;
    const checked = checks();
    await s.stopApp();
    await s.restartApp();
    // BoBB compares (one GET per guild) once it is ready; the log line says the comparison is done.
    await waitFor(() => checks() > checked, 30_000, "the check after the restart");
    expect(writes.length).toBe(before);

    // An older definition in the guild (as after an upgrade): the next start overwrites it, once.
    const guildId = s.sandbox.control.guildId();
    const old = commandDefinitions().map((c) => (c.name === "stop" ? { ...c, description: "An older description" } : c));
    await s.app.bots.get("bobb")!.client.application!.commands.set(old, guildId);
    expect((await guildCommands()).find((c) => c.name === "stop")).toMatchObject({ description: "An older description" });
    const written = writes.length;
    await s.stopApp();
    await s.restartApp();
    await waitFor(
      async () => ((await guildCommands()).find((c) => c.name === "stop") as { description?: string } | undefined)?.description !== "An older description",
      30_000,
      "the overwrite",
    );
    expect(writes.length).toBe(written + 1);
  });

  it("a guild BoBB joins later gets the commands at once", async () => {
    const owner = s.sandbox.control.createUser("newcomer").id;
    const guild = s.sandbox.control.createGuild("Second Server", owner).id;
    s.sandbox.control.addBotToGuild(guild, bobbApp);
    const listed = await waitFor(
      async () => ((await guildCommands(guild)).length === 2 ? guildCommands(guild) : undefined),
      30_000,
      "commands in the new guild",
    );
    expect(listed.map((c) => c.name).sort()).toEqual(["bobb", "stop"]);
  });
});
