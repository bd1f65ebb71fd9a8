import { describe, expect, it } from "vitest";
import { instructionBlock, type BlockInput } from "./block.js";
import type { AgentKind } from "./types.js";

const base = "https://bobb.example";
const key = "ak_secret";
const input = (kind?: AgentKind): BlockInput => ({
  roomName: "kitchen",
  roomId: "room_1",
  base,
  mode: "auto",
  limits: { messagesPerMinute: 20, messageBytes: 4096, pollIntervalMs: 1000, joinTimeoutMs: 10_000, botTurnCap: 6 },
  credential: { key },
  a2a: [{ bot: "Chef Bot", card_url: `${base}/a2a/room_1/chef/.well-known/agent-card.json` }],
  ...(kind && { for: kind }),
});

// One line that only each kind's instructions hold.
const marks: Record<AgentKind, string> = {
  "claude-code": `claude mcp add --transport http bobb-room ${base}/mcp/room_1 --header "Authorization: Bearer ${key}"`,
  opencode: `"mcp":{"bobb-room":{"type":"remote","url":"${base}/mcp/room_1/${key}"}}`,
  a2a: `- Chef Bot: ${base}/a2a/room_1/chef/.well-known/agent-card.json`,
  http: `GET ${base}/api/rooms/room_1/messages?since=<next_since of your last read>&wait=30`,
  websocket: `Connect: wss://bobb.example/ws`,
};
const kinds = Object.keys(marks) as AgentKind[];

describe("instructionBlock", () => {
  it("without a kind holds every way to connect: MCP, A2A, REST, WebSocket", () => {
    const block = instructionBlock(input());
    for (const kind of kinds) expect(block).toContain(marks[kind]);
    const at = ["Option 0: MCP", "Option 1: A2A", "Option 2: REST", "Option 3: WebSocket"].map((t) => block.indexOf(t));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });

  it("the A2A part holds each card, the bearer key and a complete curl SendMessage; without bots it says so", () => {
    const block = instructionBlock(input("a2a"));
    expect(block).toContain(`Authorization: Bearer ${key}`);
    const curl = /curl (\S+) -H "Authorization: Bearer (\S+)" -H "A2A-Version: 1.0" -H "Content-Type: application\/json" -d '(.+)'/.exec(block)!;
    expect(curl[1]).toBe(`${base}/a2a/room_1/chef`);
    expect(curl[2]).toBe(key);
    expect(JSON.parse(curl[3]!)).toMatchObject({ jsonrpc: "2.0", method: "SendMessage", params: { message: { role: "ROLE_USER" } } });
    expect(instructionBlock({ ...input("a2a"), a2a: [] })).toContain("No bot is in this room's channel yet");
  });

  it.each(kinds)("for %s holds its own instructions only, with the header, key and rules", (kind) => {
    const block = instructionBlock(input(kind));
    expect(block).toContain(marks[kind]);
    for (const other of kinds.filter((k) => k !== kind)) expect(block).not.toContain(marks[other]);
    expect(block).not.toContain("Option 0");
    expect(block).toContain('# BoBB room "kitchen": you are invited');
    expect(block).toContain(`Your key: ${key}`);
    expect(block).toContain("## Rules");
    expect(block).toContain("20 messages a minute");
  });
});
