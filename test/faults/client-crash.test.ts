// One bad gateway payload never stops the others (issue 14): a dispatch discord.js 14 cannot
// parse (a null where Discord omits a field) throws inside discord.js's packet handlers. Found by
// sending each to a real client (discord.js 14.28): MESSAGE_CREATE with `author: null`,
// GUILD_MEMBER_UPDATE with `user: null`, CHANNEL_UPDATE with `permission_overwrites: null`,
// GUILD_ROLE_UPDATE with `role: null`, THREAD_LIST_SYNC with `threads: null`, PRESENCE_UPDATE with
// `user: null` and GUILD_EMOJIS_UPDATE with `emojis: null` all throw (and, unguarded, end the process
// through an unhandled rejection); MESSAGE_CREATE with `mentions`/`member`/`attachments: null`,
// MESSAGE_UPDATE with `author: null`, GUILD_UPDATE with `roles: null` and MESSAGE_REACTION_ADD with
// `emoji: null` do not. The crashed bot alone is restarted; every other bot keeps answering.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSupervisor, type Supervisor } from "../helpers/supervisor.js";
import { waitFor } from "../helpers/wait.js";

let s: Supervisor;
let chef: { id: string; userId: string; token: string };
let pirate: { id: string; userId: string; token: string };

beforeAll(async () => {
  s = await startSupervisor({ mode: "shared", env: { BOBB_CLIENT_RESTART_LIMIT: "4" } });
  chef = await s.addChild("Chef Bot", "Only cooks Italian food, loves basil.");
  pirate = await s.addChild("Pirate Bot", "Talks like a pirate.");
}, 180_000);
afterAll(async () => {
  await s?.close();
});

/** Mentions a bot in #general and waits for its reply to that message. */
async function answers(userId: string, text: string, timeoutMs = 30_000): Promise<void> {
  const id = String(s.sandbox.control.postMessage(s.general, s.humanId, `<@${userId}> ${text}`).id);
  await waitFor(
    () => s.messages(s.general).some((m) => m.author.id === userId && m.message_reference?.message_id === id),
    timeoutMs,
    `an answer from ${userId} to "${text}"`,
  );
}

const malformed = () => {
  const guild_id = s.sandbox.control.guildId();
  return [
    { t: "GUILD_MEMBER_UPDATE", d: { guild_id, user: null, roles: [] } },
    { t: "MESSAGE_CREATE", d: { id: "1234567890123456789", channel_id: s.general, guild_id, author: null, content: "x" } },
    { t: "CHANNEL_UPDATE", d: { id: s.general, guild_id, type: 0, permission_overwrites: null } },
  ];
};

describe("a gateway payload discord.js cannot parse", () => {
  it("ends only the bot that got it: the others answer throughout, the crashed one comes back and answers", async () => {
    await answers(chef.userId, "warm up");
    for (const { t, d } of malformed()) {
      const before = s.app.bots.get(chef.id)?.client;
      expect(before).toBeDefined();
      const sessions = await fetch(`${s.sandbox.url}/control/faults/dispatch`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ user_id: chef.userId, t, d }),
      }).then((r) => r.json() as Promise<{ sessions: number }>);
      expect(sessions.sessions).toBe(1);
      // The others never stopped: BoBB and the pirate answer while the chef is down or coming back.
      await answers(s.bobbUserId, `still there after ${t}?`);
      await answers(pirate.userId, `still there after ${t}?`);
      await waitFor(() => s.app.bots.get(chef.id) && s.app.bots.get(chef.id)?.client !== before, 30_000, `the chef restarted after ${t}`);
      await answers(chef.userId, `back after ${t}?`);
      expect(s.logs.some((l) => l.includes(`"event":"${t}"`) && /could not handle a gateway event/.test(l))).toBe(true);
    }
    expect(s.app.registry.snapshot.agents[chef.id]?.status).toBe("active");
    for (const line of s.logs) {
      expect(line).not.toContain(chef.token);
      expect(line).not.toContain(pirate.token);
    }
  }, 180_000);

  it("gives up on a bot that keeps crashing and reports it failed with the reason; the others keep running", async () => {
    const guild_id = s.sandbox.control.guildId();
    // Three crashes already counted above; each restart is hit again until the limit (4) is passed.
    await waitFor(
      () => {
        if (s.app.bots.get(chef.id)) s.sandbox.control.sendRawDispatch(chef.userId, "GUILD_ROLE_UPDATE", { guild_id, role: null });
        return s.app.registry.snapshot.agents[chef.id]?.last_error;
      },
      60_000,
      "the chef reported failed",
      200,
    );
    expect(s.app.registry.snapshot.agents[chef.id]?.last_error).toMatch(/GUILD_ROLE_UPDATE/);
    expect(s.app.bots.get(chef.id)).toBeUndefined();
    await answers(pirate.userId, "and you?");
  }, 120_000);
});
