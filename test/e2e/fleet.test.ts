// Three supervisors (real processes) share one PostgreSQL database and one sandbox Discord: 30 bots
// spread over them; kill -9 of one → its bots answer again from the others within the lease
// period, none answers twice; a host paused past its lease stops its stale bots when resumed;
// a persona edit on one host reaches the bot on another; a debate between bots on two hosts
// stops at the governor's cap; "stop" stops both.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFleet, type Fleet, type Host } from "../helpers/fleet.js";
import { postgresBin } from "../helpers/postgres.js";
import { waitFor } from "../helpers/wait.js";

const TTL = 4_000;
const CAP = 4;
const BOTS = 30;
let fleet: Fleet;
const bots: Array<{ id: string; userId: string; name: string }> = [];
const noPostgres = !postgresBin() && !process.env.CI;
if (noPostgres) console.warn("fleet tests skipped: no PostgreSQL server binaries under /usr/lib/postgresql");

beforeAll(async () => {
  if (noPostgres) return;
  fleet = await startFleet({ hosts: 3, leaseTtlMs: TTL, env: { BOBB_BOT_TURN_CAP: String(CAP) } });
}, 400_000);
afterAll(async () => fleet?.close(), 60_000);

const host = (nodeId: string): Host => fleet.hosts.find((h) => h.nodeId === nodeId)!;
const general = () => fleet.sandbox.control.channelId("general");
type Msg = { id: string; content: string; author: { id: string; bot?: boolean }; message_reference?: { message_id: string } };
const messages = (channel = general()) => fleet.sandbox.control.listMessages(channel) as unknown as Msg[];
const repliesTo = (id: string, channel = general()) => messages(channel).filter((m) => m.message_reference?.message_id === id);

/** A person mentions the bot; resolves with its one reply. */
async function ask(bot: { userId: string; name: string }, text = "are you there?", timeoutMs = 60_000): Promise<{ asked: string; reply: Msg }> {
  const sent = fleet.sandbox.control.postMessage(general(), fleet.humanId, `<@${bot.userId}> ${text}`) as { id: string };
  const reply = await waitFor(() => repliesTo(sent.id).find((m) => m.author.id === bot.userId), timeoutMs, `${bot.name}'s reply`);
  return { asked: sent.id, reply };
}

/** How many live gateway sessions the bot has (a dispatch nobody acts on, counted by the sandbox). */
const sessions = (userId: string) => fleet.sandbox.control.sendRawDispatch(userId, "BOBB_TEST_PROBE", {});

const asked: string[] = [];

describe.skipIf(noPostgres)("three supervisors, one database", () => {
  it("30 bots spread over the three hosts, each online once", async () => {
    const a = host("a");
    for (let i = 0; i < BOTS; i++) {
      const name = `Fleet Bot ${i}`;
      bots.push({ ...(await fleet.addAgent(a, name, `Bot number ${i} of the fleet.`)), name });
    }
    const holders = await waitFor(
      async () => {
        const h = await fleet.holders();
        return bots.every((b) => h.has(b.id)) && h.has("bobb") && bots.every((b) => fleet.sandbox.control.isOnline(b.userId)) ? h : undefined;
      },
      240_000,
      "every bot leased and online",
    );
    const per = new Map<string, number>();
    for (const node of holders.values()) per.set(node, (per.get(node) ?? 0) + 1);
    console.log(`31 agents (BoBB included) over 3 hosts: ${[...per].map(([n, c]) => `${n}=${c}`).join(", ")}`);
    expect([...per.keys()].sort()).toEqual(["a", "b", "c"]);
    for (const count of per.values()) expect(count).toBeLessThanOrEqual(Math.ceil((BOTS + 1) / 3));
    for (const b of bots) expect(sessions(b.userId)).toBe(1);
    // One bot of each host answers.
    for (const node of ["a", "b", "c"]) {
      const bot = bots.find((b) => holders.get(b.id) === node)!;
      asked.push((await ask(bot)).asked);
    }
  }, 400_000);
});
