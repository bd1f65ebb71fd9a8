import { DiscordAPIError, Routes, SlashCommandBuilder } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { controlCall, rejectionOf, startSandbox, type SandboxHarness, type StartedBot } from "../helpers/sandbox.js";

// Application command registration through discord.js against the sandbox: routes, Discord's
// validation (50035 with the field's path) and limits (30032, 30034).

let h: SandboxHarness;
let bot: StartedBot;
let guildId: string;
beforeAll(async () => {
  h = await startSandbox({ dailyCommandCreates: 150 });
  guildId = h.sandbox.control.guildId();
  bot = await h.startBot("Commander");
});
afterAll(() => h.stop());

const bobb = new SlashCommandBuilder()
  .setName("bobb")
  .setDescription("Build bots")
  .addSubcommand((s) =>
    s
      .setName("create")
      .setDescription("Create a bot")
      .addStringOption((o) => o.setName("name").setDescription("Its name").setRequired(true))
      .addStringOption((o) => o.setName("persona").setDescription("Who it is")),
  )
  .addSubcommandGroup((g) =>
    g
      .setName("admin")
      .setDescription("Admin")
      .addSubcommand((s) => s.setName("reset").setDescription("Reset")),
  )
  .toJSON();
const stop = { name: "stop", description: "Stop the bots in this channel" };

async function invalidBody(path: string, body: unknown, method: "post" | "put" = "post", as: StartedBot = bot): Promise<Record<string, unknown>> {
  const error = await rejectionOf(as.client.rest[method](path as `/${string}`, { body }));
  expect(error).toBeInstanceOf(DiscordAPIError);
  const api = error as unknown as DiscordAPIError;
  expect(api.status).toBe(400);
  expect(api.code).toBe(50035);
  expect(api.message).toContain("Invalid Form Body");
  return (api.rawError as { errors: Record<string, unknown> }).errors;
}

describe("sandbox application commands", () => {
  it("registers guild commands in bulk and lists them, with the app id, on the control API", async () => {
    const set = await bot.client.application!.commands.set([bobb, stop], guildId);
    expect(set.map((c) => c.name).sort()).toEqual(["bobb", "stop"]);
    const fetched = await bot.client.application!.commands.fetch({ guildId });
    expect(fetched.size).toBe(2);
    const create = fetched.find((c) => c.name === "bobb")!.options[0]!;
    expect(create).toMatchObject({ name: "create", type: 1 });

    // Same definitions again: the ids stay (an overwrite is not a create).
    const again = await bot.client.application!.commands.set([bobb, stop], guildId);
    expect(again.map((c) => c.id).sort()).toEqual(set.map((c) => c.id).sort());

    const global = await bot.client.application!.commands.create({ name: "ping", description: "Pong" });
    const listed = (await controlCall(h.sandbox, "GET", `/control/guilds/${guildId}/commands`)).json as Record<string, unknown>[];
    expect(listed.map((c) => [c["name"], c["scope"], c["application_id"]]).sort()).toEqual([
      ["bobb", "guild", bot.application_id],
      ["ping", "global", bot.application_id],
      ["stop", "guild", bot.application_id],
    ]);
    await global.delete();
  });

  it("POST with an existing name overwrites (200), PATCH edits, DELETE removes (then 10063)", async () => {
    const path = Routes.applicationGuildCommands(bot.application_id, guildId);
    const first = (await bot.client.rest.post(path, { body: { name: "echo", description: "one" } })) as { id: string; version: string };
    const second = (await bot.client.rest.post(path, { body: { name: "echo", description: "two" } })) as { id: string; version: string; description: string };
    expect(second.id).toBe(first.id);
    expect(second.description).toBe("two");
    const edited = (await bot.client.rest.patch(Routes.applicationGuildCommand(bot.application_id, guildId, first.id), {
      body: { description: "three" },
    })) as { id: string; version: string; description: string; name: string };
    expect(edited).toMatchObject({ id: first.id, name: "echo", description: "three" });
    expect(edited.version).not.toBe(second.version);
    await bot.client.rest.delete(Routes.applicationGuildCommand(bot.application_id, guildId, first.id));
    const gone = await rejectionOf(bot.client.rest.get(Routes.applicationGuildCommand(bot.application_id, guildId, first.id)));
    expect((gone as unknown as DiscordAPIError).code).toBe(10063);
  });

  it("refuses invalid commands with Discord's 50035 and the field's path", async () => {
    const path = Routes.applicationGuildCommands(bot.application_id, guildId);
    expect(await invalidBody(path, { name: "Bobb", description: "x" })).toMatchObject({
      name: { _errors: [{ code: "APPLICATION_COMMAND_INVALID_NAME" }] },
    });
    expect(await invalidBody(path, { name: "x".repeat(33), description: "x" })).toMatchObject({ name: { _errors: [{ code: "BASE_TYPE_BAD_LENGTH" }] } });
    expect(await invalidBody(path, { name: "long", description: "d".repeat(101) })).toMatchObject({
      description: { _errors: [{ code: "BASE_TYPE_BAD_LENGTH", message: "Must be between 1 and 100 in length." }] },
    });
    expect(await invalidBody(path, { name: "empty", description: "" })).toHaveProperty("description");
    const optional = { type: 3, name: "a", description: "a" };
    const required = { type: 3, name: "b", description: "b", required: true };
    expect(await invalidBody(path, { name: "order", description: "x", options: [optional, required] })).toMatchObject({
      options: { 1: { required: { _errors: [{ code: "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID" }] } } },
    });
    const many = Array.from({ length: 26 }, (_, i) => ({ type: 3, name: `o${i}`, description: "o" }));
    expect(await invalidBody(path, { name: "many", description: "x", options: many })).toMatchObject({
      options: { _errors: [{ code: "BASE_TYPE_MAX_LENGTH" }] },
    });
    expect(await invalidBody(path, { name: "badtype", description: "x", options: [{ type: 12, name: "a", description: "a" }] })).toHaveProperty(
      "options.0.type",
    );
    const sub = { type: 1, name: "sub", description: "s" };
    expect(await invalidBody(path, { name: "mixed", description: "x", options: [sub, optional] })).toMatchObject({
      options: { _errors: [{ code: "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID" }] },
    });
    const groupOfStrings = { type: 2, name: "g", description: "g", options: [optional] };
    expect(await invalidBody(path, { name: "group", description: "x", options: [groupOfStrings] })).toHaveProperty("options.0.options.0.type");
    const boolChoices = { type: 5, name: "flag", description: "f", choices: [{ name: "yes", value: "yes" }] };
    expect(await invalidBody(path, { name: "choices", description: "x", options: [boolChoices] })).toHaveProperty("options.0.choices");
    const wrongChoice = { type: 4, name: "n", description: "n", choices: [{ name: "one", value: "1" }] };
    expect(await invalidBody(path, { name: "choice", description: "x", options: [wrongChoice] })).toHaveProperty("options.0.choices.0.value");
    expect(await invalidBody(path, [stop, { ...stop }], "put")).toMatchObject({ 1: { name: { _errors: [{ code: "APPLICATION_COMMANDS_DUPLICATE_NAME" }] } } });
    expect(await invalidBody(path, [stop, { name: "Bad", description: "x" }], "put")).toHaveProperty("1.name");
    // Nothing of a refused overwrite was applied.
    expect((await bot.client.application!.commands.fetch({ guildId })).map((c) => c.name).sort()).toEqual(["bobb", "stop"]);
  });

  it("refuses another app's commands (20012) and a guild the bot is not in (50001)", async () => {
    const other = await h.startBot("Outsider", { guildId: null });
    const mine = await rejectionOf(other.client.rest.get(Routes.applicationCommands(bot.application_id)));
    expect((mine as unknown as DiscordAPIError).code).toBe(20012);
    const notIn = await rejectionOf(other.client.rest.put(Routes.applicationGuildCommands(other.application_id, guildId), { body: [stop] }));
    expect((notIn as unknown as DiscordAPIError).code).toBe(50001);
  });

  it("allows 100 chat-input commands per scope; the 101st is 30032", async () => {
    const limited = await h.startBot("Hundred");
    const path = Routes.applicationGuildCommands(limited.application_id, guildId);
    const hundred = Array.from({ length: 100 }, (_, i) => ({ name: `c${i}`, description: "c" }));
    expect(((await limited.client.rest.put(path, { body: hundred })) as unknown[]).length).toBe(100);
    const error = await rejectionOf(limited.client.rest.post(path, { body: { name: "c100", description: "c" } }));
    expect(error).toMatchObject({ status: 400, code: 30032 });
    // User and message commands count apart (5 each), and have no description.
    await limited.client.rest.post(path, { body: { type: 2, name: "Profile" } });
    const described = await invalidBody(path, { type: 3, name: "Quote", description: "not allowed" }, "post", limited);
    expect(described).toHaveProperty("description");
  });

  it("counts creates per scope per day and answers 30034 beyond the limit, as Discord does", async () => {
    const daily = await startSandbox({ dailyCommandCreates: 3 });
    try {
      const limited = await daily.startBot("Daily");
      const scope = daily.sandbox.control.guildId();
      const path = Routes.applicationGuildCommands(limited.application_id, scope);
      await limited.client.rest.put(path, {
        body: [
          { name: "a", description: "a" },
          { name: "b", description: "b" },
        ],
      });
      await limited.client.rest.put(path, {
        body: [
          { name: "a", description: "changed" },
          { name: "b", description: "b" },
        ],
      }); // no new names: no creates
      const c = (await limited.client.rest.post(path, { body: { name: "c", description: "c" } })) as { id: string };
      await limited.client.rest.delete(Routes.applicationGuildCommand(limited.application_id, scope, c.id)); // deleting gives nothing back
      const error = await rejectionOf(limited.client.rest.post(path, { body: { name: "d", description: "d" } }));
      expect(error).toMatchObject({ status: 400, code: 30034 });
      expect(error.message).toContain("Max number of daily application command creates has been reached (3)");
      // Global commands are another scope.
      await limited.client.rest.post(Routes.applicationCommands(limited.application_id), { body: { name: "d", description: "d" } });
    } finally {
      await daily.stop();
    }
  });
});

describe("sandbox application commands: persistence", () => {
  it("keeps registered commands in the state file across a restart", async () => {
    const { mkdtemp, rm } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = await mkdtemp(join(tmpdir(), "sandbox-commands-"));
    const statePath = join(dir, "state.json");
    try {
      const first = await startSandbox({ statePath });
      const owner = await first.startBot("Keeper");
      const guild = first.sandbox.control.guildId();
      await owner.client.application!.commands.set([stop], guild);
      await first.stop();
      const second = await startSandbox({ statePath });
      try {
        expect(second.sandbox.control.guildCommands(guild).map((c) => [c["name"], c.application_id])).toEqual([["stop", owner.application_id]]);
      } finally {
        await second.stop();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
