import { spawn } from "node:child_process";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../../src/sandbox/index.js";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await createSandbox();
});
afterAll(() => sandbox.close());

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${sandbox.url}${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null };
}

type Json = Record<string, unknown>;

describe("sandbox portal and control HTTP API", () => {
  it("runs the portal journey: application, invite, human, DM, messages", async () => {
    const guilds = (await call("GET", "/portal/guilds")).json as Json[];
    expect(guilds).toHaveLength(1);
    const guild = guilds[0] as { id: string; name: string; channels: { id: string; name: string }[] };
    expect(guild.name).toBe("BoBB Sandbox");
    expect(guild.channels.map((c) => c.name)).toEqual(["general", "debate"]);

    const created = await call("POST", "/portal/applications", { name: "PortalBot" });
    expect(created.status).toBe(201);
    const app = created.json as { application_id: string; bot_user_id: string; token: string };
    expect(Object.keys(app).sort()).toEqual(["application_id", "bot_user_id", "token"]);

    const patched = await call("PATCH", `/portal/applications/${app.application_id}`, { message_content_intent: true });
    expect(patched.json).toMatchObject({ message_content_intent: true, server_members_intent: false });
    expect((await call("POST", `/portal/guilds/${guild.id}/bots`, { application_id: app.application_id })).status).toBe(204);
    const reset = (await call("POST", `/portal/applications/${app.application_id}/reset-token`)).json as { token: string };
    expect(reset.token).not.toBe(app.token);

    const human = (await call("POST", "/control/users", { username: "bob" })).json as { id: string };
    const members = ((await call("GET", "/portal/guilds")).json as { members: Json[] }[])[0]?.members;
    expect(members).toEqual(
      expect.arrayContaining([
        { id: human.id, username: "bob", bot: false, online: true },
        { id: app.bot_user_id, username: "PortalBot", bot: true, online: false },
      ]),
    );
    const general = guild.channels[0]?.id ?? "";
    const posted = await call("POST", `/control/channels/${general}/messages`, { author_id: human.id, content: `hi <@${app.bot_user_id}>` });
    expect(posted.status).toBe(201);
    expect(posted.json).toMatchObject({ content: `hi <@${app.bot_user_id}>`, mentions: [{ id: app.bot_user_id, bot: true }] });
    const dm = (await call("POST", "/control/dms", { user_id: human.id, recipient_id: app.bot_user_id })).json as { channel_id: string };
    await call("POST", `/control/channels/${dm.channel_id}/messages`, { author_id: human.id, content: "in private" });
    const list = (await call("GET", `/control/channels/${dm.channel_id}/messages`)).json as Json[];
    expect(list.map((m) => m["content"])).toEqual(["in private"]);
    // A person deletes their own message (a token sent by DM, say); another's needs Manage Messages.
    const mine = await call("POST", `/control/channels/${general}/messages`, { author_id: human.id, content: "oops, a secret" });
    const mineId = (mine.json as { id: string }).id;
    const other = (await call("POST", "/control/users", { username: "eve" })).json as { id: string };
    expect(await call("DELETE", `/control/channels/${general}/messages/${mineId}?user_id=${other.id}`)).toMatchObject({ status: 403 });
    expect((await call("DELETE", `/control/channels/${general}/messages/${mineId}`)).status).toBe(400); // who deletes it
    expect((await call("DELETE", `/control/channels/${general}/messages/${mineId}?user_id=${human.id}`)).status).toBe(204);
    const after = (await call("GET", `/control/channels/${general}/messages`)).json as Json[];
    expect(after.some((m) => m["id"] === mineId)).toBe(false);

    // The bot's REST view agrees, with the reset token only.
    const rest = await fetch(`${sandbox.url}/api/v10/users/@me`, { headers: { authorization: `Bot ${reset.token}` } });
    expect(((await rest.json()) as Json)["id"]).toBe(app.bot_user_id);
    expect((await fetch(`${sandbox.url}/api/v10/users/@me`, { headers: { authorization: `Bot ${app.token}` } })).status).toBe(401);
  });

  it("reports errors in the portal's shape", async () => {
    expect(await call("POST", "/control/users", {})).toMatchObject({ status: 400, json: { error: { code: "invalid_request" } } });
    expect(await call("POST", "/portal/applications/123456789012345678/reset-token")).toMatchObject({
      status: 404,
      json: { error: { code: "unknown_application" } },
    });
    const human = (await call("POST", "/control/users", { username: "carol" })).json as { id: string };
    const tooLong = await call("POST", `/control/channels/${sandbox.control.channelId("general")}/messages`, {
      author_id: human.id,
      content: "x".repeat(2001),
    });
    expect(tooLong).toMatchObject({ status: 400, json: { error: { code: "discord_50035" } } });
  });

  it("streams events to humans over SSE, typing included", async () => {
    const human = sandbox.control.createUser("dave");
    const general = sandbox.control.channelId("general");
    const controller = new AbortController();
    const response = await fetch(`${sandbox.url}/control/events`, { signal: controller.signal });
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    const typing = await call("POST", `/control/channels/${general}/typing`, { author_id: human.id });
    expect(typing.status).toBe(204);
    sandbox.control.postMessage(general, human.id, "streamed");
    let text = "";
    while (!text.includes("event: MESSAGE_CREATE")) {
      const chunk = await reader.read();
      if (chunk.done) break;
      text += chunk.value;
    }
    controller.abort();
    expect(text).toContain("event: TYPING_START");
    expect(text).toMatch(/event: MESSAGE_CREATE\ndata: \{.*"content":"streamed"/);
  });
});

describe("sandbox persistence and CLI", () => {
  it("keeps users, applications, tokens and messages across a restart", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sandbox-state-"));
    const statePath = join(dir, "state.json");
    try {
      const first = await createSandbox({ statePath });
      const app = first.control.createApplication("Durable");
      const human = first.control.createUser("erin");
      const general = first.control.channelId("general");
      first.control.postMessage(general, human.id, "remember me");
      await first.close();
      expect((await stat(statePath)).mode & 0o777).toBe(0o600);

      const second = await createSandbox({ statePath });
      try {
        expect(second.control.guilds()).toHaveLength(1);
        expect(second.control.listMessages(general).map((m) => m["content"])).toEqual(["remember me"]);
        const me = await fetch(`${second.url}/api/v10/users/@me`, { headers: { authorization: `Bot ${app.token}` } });
        expect(((await me.json()) as Json)["username"]).toBe("Durable");
        const later = second.control.postMessage(general, human.id, "later");
        expect(BigInt(String(later["id"]))).toBeGreaterThan(BigInt(String(second.control.listMessages(general)[0]?.["id"])));
      } finally {
        await second.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("npm run sandbox prints one line with the URL", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/sandbox/main.ts"], { env: { ...process.env, SANDBOX_PORT: "0" } });
    try {
      const lines = createInterface({ input: child.stdout });
      const first = await new Promise<string>((resolve, reject) => {
        lines.once("line", resolve);
        child.once("exit", (code) => reject(new Error(`sandbox exited with ${code}`)));
      });
      expect(first).toMatch(/^sandbox listening on http:\/\/127\.0\.0\.1:\d+$/);
      const port = first.split(":").at(-1);
      expect((await fetch(`http://127.0.0.1:${port}/portal/guilds`)).status).toBe(200);
    } finally {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
  });
});
