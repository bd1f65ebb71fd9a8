import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../helpers/rooms.js";
import { startSupervisor, type Supervisor } from "../helpers/supervisor.js";
import { waitFor } from "../helpers/wait.js";

/**
 * The whole product (startApp on the sandbox): the operator opens #general as a room, an outside
 * agent joins with the values of the block over plain fetch, and names of people and bots there are
 * refused. Posting into the channel is the Discord side's part (webhooks), attached separately.
 */
describe("rooms in the running product", () => {
  let s: Supervisor;
  beforeAll(async () => {
    s = await startSupervisor();
  }, 120_000);
  afterAll(() => s?.close());

  it("opens a sandbox channel as a room through the operator API; an agent joins with the block's key on its own listener", async () => {
    const opened = await s.api("POST", "/api/rooms", { channel_id: s.general });
    expect(opened.status).toBe(201);
    const room = (opened.json() as { room: { id: string; channel_id: string; name: string } }).room;
    expect(room).toMatchObject({ channel_id: s.general, name: "general" });
    const made = await s.api("POST", `/api/rooms/${room.id}/invites`, { label: "Outside agent", mode: "auto" });
    const invite = made.json() as { key: string; block: string; transports: { rest: string; ws: string } };
    expect(invite.transports.rest).toBe(`${s.app.rooms.url}/api/rooms/${room.id}`);
    expect(new URL(s.app.rooms.url).port).not.toBe(new URL(s.app.apiUrl).port);
    // The tool API does not serve the agents' routes.
    expect((await call(`${s.app.apiUrl}/api/rooms/${room.id}/messages`, invite.key)).status).toBe(401);

    // Names of a person BoBB has seen in the guild and of BoBB are refused; the agent's own is taken.
    s.sandbox.control.postMessage(s.general, s.humanId, "hello room");
    await waitFor(() => s.app.bots.get("bobb")?.client.guilds.cache.get(s.sandbox.control.guildId())?.members.cache.has(s.humanId), 10_000, "BoBB sees chris");
    const person = await call(`${invite.transports.rest}/heartbeat`, invite.key, "POST", { name: "Chris" });
    expect(person.json.error.code).toBe("NAME_RESERVED");
    expect((await call(`${invite.transports.rest}/heartbeat`, invite.key, "POST", { name: "BoBB" })).json.error.code).toBe("NAME_RESERVED");
    const joined = await call(`${invite.transports.rest}/heartbeat`, invite.key, "POST", { name: "Scout" });
    expect(joined.json).toMatchObject({ ok: true, name: "Scout" });
    const agents = await s.api("GET", `/api/rooms/${room.id}/agents`);
    expect((agents.json() as { agents: Array<{ name: string; presence: string }> }).agents).toEqual([
      expect.objectContaining({ name: "Scout", presence: "polling" }),
    ]);
    for (const line of s.logs) expect(line).not.toContain(invite.key);
  });
});
