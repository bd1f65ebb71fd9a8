import { Events, GatewayIntentBits } from "discord.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { startSandbox, waitForClientEvent, type SandboxHarness } from "../helpers/sandbox.js";

let h: SandboxHarness;
beforeAll(async () => {
  h = await startSandbox();
});
afterEach(() => h.stopClients());
afterAll(() => h.stop());

/** A raw gateway connection that records frames and its close code. */
async function connect(): Promise<{ ws: WebSocket; frames: { op: number; t?: string; d: unknown }[]; closed: Promise<number> }> {
  const ws = new WebSocket(`${h.sandbox.gatewayUrl}?v=10&encoding=json`);
  const frames: { op: number; t?: string; d: unknown }[] = [];
  const closed = new Promise<number>((resolve) => ws.once("close", (code) => resolve(code)));
  const hello = new Promise<void>((resolve) =>
    ws.on("message", (data) => {
      frames.push(JSON.parse(String(data)));
      resolve();
    }),
  );
  await hello;
  return { ws, frames, closed };
}

const nextFrame = (ws: WebSocket) =>
  new Promise<{ op: number; t?: string; d: unknown }>((resolve) => ws.once("message", (data) => resolve(JSON.parse(String(data)))));

describe("sandbox gateway protocol", () => {
  it("says HELLO, acknowledges heartbeats and refuses a bad token with 4004", async () => {
    const { ws, frames, closed } = await connect();
    expect(frames[0]).toMatchObject({ op: 10, d: { heartbeat_interval: 41250 } });
    const ack = nextFrame(ws);
    ws.send(JSON.stringify({ op: 1, d: null }));
    expect((await ack).op).toBe(11);
    ws.send(JSON.stringify({ op: 2, d: { token: "not-a-token", intents: 513, properties: {} } }));
    expect(await closed).toBe(4004);
  });

  it("closes with 4001 on an unknown opcode and answers op 9 to a resume of an unknown session", async () => {
    const bot = h.sandbox.control.createApplication("RawBot");
    const first = await connect();
    first.ws.send(JSON.stringify({ op: 99, d: null }));
    expect(await first.closed).toBe(4001);
    const second = await connect();
    const invalid = nextFrame(second.ws);
    second.ws.send(JSON.stringify({ op: 6, d: { token: bot.token, session_id: "nope", seq: 3 } }));
    expect(await invalid).toMatchObject({ op: 9, d: false });
    second.ws.close(1000);
  });

  it("serves 60 bots at once and delivers one message to all of them", async () => {
    const intents = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages];
    const bots = await Promise.all(Array.from({ length: 60 }, (_, i) => h.startBot(`Crowd${i}`, { intents, messageContent: false })));
    expect(h.sandbox.control.gatewayStats().connections).toBeGreaterThanOrEqual(60);
    const human = h.sandbox.control.createUser("announcer");
    const general = h.sandbox.control.channelId("general");
    const all = Promise.all(bots.map((bot) => waitForClientEvent(bot.client, Events.MessageCreate, (m) => m.author.id === human.id, 10_000)));
    h.sandbox.control.postMessage(general, human.id, "hello everyone");
    const received = await all;
    expect(received).toHaveLength(60);
    // None asked for Message Content and none was mentioned, so none sees the text.
    expect(received.every(([m]) => m.content === "")).toBe(true);
  }, 30_000);
});
