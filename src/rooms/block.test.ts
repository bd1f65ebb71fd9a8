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
  ...(kind && { for: kind }),
});

// One line that only each kind's instructions hold.
const marks: Record<AgentKind, string> = {
  "claude-code": `claude mcp add --transport http bobb-room ${base}/mcp/room_1 --header "Authorization: Bearer ${key}"`,
  opencode: `"mcp":{"bobb-room":{"type":"remote","url":"${base}/mcp/room_1/${key}"}}`,
  http: `GET ${base}/api/rooms/room_1/messages?since=<next_since of your last read>&wait=30`,
  websocket: `Connect: wss://bobb.example/ws`,
};
const kinds = Object.keys(marks) as AgentKind[];

describe("instructionBlock", () => {
  it("without a kind holds every way to connect, MCP first", () => {
    const block = instructionBlock(input());
    for (const kind of kinds) expect(block).toContain(marks[kind]);
    expect(block.indexOf("Option 0: MCP")).toBeLessThan(block.indexOf("Option 1: REST"));
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
