/* eslint-disable @typescript-eslint/no-explicit-any -- the tool results an MCP client receives, checked field by field */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CHANNEL, startRoomsHarness, type RoomsHarness } from "../helpers/rooms.js";
import { waitFor } from "../helpers/wait.js";

/** The SDK's own client over Streamable HTTP, with the key as a bearer header or (no key) as the URL is. */
async function mcpClient(url: string, key?: string): Promise<Client> {
  const client = new Client({ name: "test-agent", version: "1.0.0" });
  const headers: Record<string, string> = key ? { authorization: `Bearer ${key}` } : {};
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  return client;
}

/** A tool call's JSON answer, or its error text. */
async function callTool(client: Client, name: string, args: Record<string, unknown> = {}): Promise<{ error?: string; json?: any }> {
  const res: any = await client.callTool({ name, arguments: args });
  const text = res.content[0].text as string;
  return res.isError ? { error: text } : { json: JSON.parse(text) };
}

/** The HTTP status and REST error code of a refused connect or call (the SDK's StreamableHTTPError). */
async function refusal(p: Promise<unknown>): Promise<[number, string]> {
  const err: any = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, "a refusal").toBeDefined();
  const body = JSON.parse(String(err.message).replace(/^[^{]*/, ""));
  return [err.code, body.error.code];
}

/** An outside agent over MCP, against the real rooms listener. */
describe("rooms over MCP", () => {
  let h: RoomsHarness;
  let roomId: string;
  let key: string;
  let mcp: string;
  let block: string;
  const clients: Client[] = [];
  const open = async (url: string, k?: string) => {
    const c = await mcpClient(url, k);
    clients.push(c);
    return c;
  };
  beforeEach(async () => {
    h = await startRoomsHarness({ limits: { messagesPerMinute: 3 } });
    roomId = (await h.handle.rooms.open(CHANNEL, "900000000000000001")).id;
    const invite = await h.handle.rooms.createInvite(roomId, { label: "Alice's agent", mode: "auto" }, "900000000000000001");
    key = invite.key;
    mcp = invite.transports.mcp.url;
    block = invite.block;
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.close();
    await h.close();
  });

  it("lists the tools with the room's rules, sends, long-polls and reads", async () => {
    const client = await open(mcp, key);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(["list_participants", "read_messages", "room_info", "send_message"]);
    for (const t of tools) {
      expect(t.description).toContain("@Name");
      expect(t.description).toContain("3 messages a minute");
      expect(t.description).toContain('says "stop"');
    }
    expect(Object.keys((tools.find((t) => t.name === "read_messages")!.inputSchema as any).properties)).toEqual(["since", "wait_seconds"]);

    const sent = await callTool(client, "send_message", { content: "Hi, I'm Alice's agent. What's for dinner?", mention: "Chef Bot" });
    expect(sent.json).toMatchObject({ room_id: roomId, status: "delivered", content: "@Chef Bot Hi, I'm Alice's agent. What's for dinner?" });
    expect(h.posts[0]).toMatchObject({ channel_id: CHANNEL.id, name: "Alice's agent", member_id: sent.json.agent_id });

    const info = await callTool(client, "room_info");
    expect(info.json).toMatchObject({ id: roomId, name: "kitchen", you: sent.json.agent_id, paused: null, mode: "auto", limits: { messages_per_minute: 3 } });

    const first = await callTool(client, "read_messages");
    expect(first.json.messages.at(-1)).toMatchObject({ from_name: "Alice's agent", kind: "agent" });

    // The long poll returns the moment the Discord side ingests a message.
    const started = Date.now();
    const waiting = callTool(client, "read_messages", { since: first.json.next_since, wait_seconds: 30 });
    await waitFor(() => h.handle.rooms.longPolls(roomId) === 1, 5000, "the read to wait");
    h.clock.advance(5);
    h.say("Pasta tonight", { id: "700", name: "Chef Bot", kind: "bot" }, [sent.json.agent_id]);
    const read = await waiting;
    expect(Date.now() - started).toBeLessThan(3000);
    expect(read.json.messages).toEqual([
      expect.objectContaining({ from_name: "Chef Bot", kind: "bot", content: "Pasta tonight", mentions: [sent.json.agent_id] }),
    ]);

    const who = await callTool(client, "list_participants");
    expect(who.json.agents).toEqual([expect.objectContaining({ name: "Alice's agent", presence: "polling", transport: "mcp" })]);
    expect(await h.handle.rooms.agents(roomId)).toEqual([expect.objectContaining({ name: "Alice's agent", transport: "mcp" })]);
    expect(who.json.recent_speakers).toEqual([{ id: "700", name: "Chef Bot", kind: "bot" }]);
  });

  it("the block's Claude Code line (bearer header) and OpenCode entry (key in the path, no headers) both connect", async () => {
    const claude = /claude mcp add --transport http bobb-room (\S+) --header "Authorization: Bearer (\S+)"/.exec(block)!;
    expect(claude.slice(1)).toEqual([mcp, key]);
    const opencode = JSON.parse(/```json\n(.+)\n```/.exec(block)![1]!);
    expect(opencode.mcp["bobb-room"]).toEqual({ type: "remote", url: `${mcp}/${key}` });
    const withHeader = await open(claude[1]!, claude[2]);
    expect((await callTool(withHeader, "room_info")).json.id).toBe(roomId);
    const headerless = await open(opencode.mcp["bobb-room"].url);
    expect((await callTool(headerless, "room_info")).json.you).toBe((await callTool(withHeader, "room_info")).json.you);
  });

  it("a header-less client works with the key as a path segment, and the key reaches no log", async () => {
    const client = await open(`${mcp}/${key}`);
    expect((await callTool(client, "send_message", { content: "no headers here" })).json.status).toBe("delivered");
    expect((await callTool(client, "read_messages")).json.messages.some((m: any) => m.content === "no headers here")).toBe(true);
    expect(h.logs.some((l) => l.includes("/mcp/:room_id/:key"))).toBe(true);
    expect(h.logs.join("\n")).not.toContain(key);
  });

  it("refuses bad, revoked and other-room keys with REST's 401/403 before any MCP session", async () => {
    const bad = `ak_${"x".repeat(43)}`;
    expect(await refusal(mcpClient(mcp))).toEqual([401, "UNAUTHORIZED"]);
    expect(await refusal(mcpClient(mcp, bad))).toEqual([401, "KEY_UNKNOWN"]);
    expect(await refusal(mcpClient(`${mcp}/${bad}`))).toEqual([401, "KEY_UNKNOWN"]);
    const other = await h.handle.rooms.open({ id: "200000000000000002", guild_id: CHANNEL.guild_id, name: "hall" }, "x");
    expect(await refusal(mcpClient(`${h.url}/mcp/${other.id}`, key))).toEqual([403, "WRONG_ROOM"]);

    // A key revoked while its client is connected: the next call is refused with 401.
    const client = await open(mcp, key);
    await callTool(client, "room_info");
    const [invite] = (await h.handle.rooms.agents(roomId)).map((a) => a.label);
    expect(await h.handle.rooms.revoke(roomId, invite!)).toBe(true);
    expect(await refusal(client.callTool({ name: "room_info", arguments: {} }))).toEqual([401, "KEY_REVOKED"]);
    expect(await refusal(mcpClient(mcp, key))).toEqual([401, "KEY_REVOKED"]);
  });

  it("rate limit, size limit and stop are tool errors with REST's codes and words", async () => {
    const client = await open(mcp, key);
    const big = await callTool(client, "send_message", { content: "x".repeat(5 * 1024) });
    expect(big.error).toMatch(/^MESSAGE_TOO_LARGE: .*at most 4096/);
    for (let i = 1; i <= 3; i++) expect((await callTool(client, "send_message", { content: `n${i}` })).json.status).toBe("delivered");
    expect((await callTool(client, "send_message", { content: "n4" })).error).toMatch(/^RATE_LIMITED: at most 3 messages a minute; retry in \d+ s/);
    h.clock.advance(61_000);
    h.handle.rooms.pause(CHANNEL.id, { id: "900000000000000001", name: "Alice" });
    expect((await callTool(client, "send_message", { content: "still here" })).error).toMatch(/^ROOM_PAUSED: Alice said stop/);
    const read = await callTool(client, "read_messages");
    expect(read.json.messages.at(-1)).toMatchObject({ type: "system", event: "paused", by: { name: "Alice" } });
    expect((await callTool(client, "read_messages", { since: "yesterday" })).error).toMatch(/^VALIDATION_ERROR: since: an ISO 8601 time/);
    expect((await client.callTool({ name: "read_messages", arguments: { wait_seconds: 31 } })).isError).toBe(true);
    h.handle.rooms.resume(CHANNEL.id);
    expect((await callTool(client, "send_message", { content: "back" })).json.status).toBe("delivered");
    expect(h.posts).toHaveLength(4);
  });

  it("closing the listener is prompt, also with a long poll whose client dropped and one still waiting", async () => {
    const dropped = await mcpClient(mcp, key);
    const first = (await callTool(dropped, "read_messages")).json.next_since;
    const gone = dropped.callTool({ name: "read_messages", arguments: { since: first, wait_seconds: 30 } }).catch((e: unknown) => e);
    await waitFor(() => h.handle.rooms.longPolls(roomId) === 1 || undefined, 5000, "the first read to wait");
    await dropped.close();
    await gone;
    const waiting = await open(mcp, key);
    const still = callTool(waiting, "read_messages", { since: first, wait_seconds: 30 }).catch((e: unknown) => e);
    await waitFor(() => h.handle.rooms.longPolls(roomId) >= 1 || undefined, 5000, "the second read to wait");
    const started = Date.now();
    await h.handle.close();
    expect(Date.now() - started).toBeLessThan(3000);
    await still;
    h.handle.close = async () => {};
  });

  it("ask mode: send_message says pending, then the agent reads that it was delivered", async () => {
    const ask = await h.handle.rooms.createInvite(roomId, { label: "Bob's agent", mode: "ask" }, "x");
    const client = await open(ask.transports.mcp.url_with_key);
    const { tools } = await client.listTools();
    expect(tools.find((t) => t.name === "send_message")!.description).toContain("wait for a person's approval");
    const sent = await callTool(client, "send_message", { content: "may I?" });
    expect(sent.json.status).toBe("pending");
    h.deliver(h.posts.find((p) => p.post_id === sent.json.id)!);
    const read = await callTool(client, "read_messages");
    expect(read.json.messages.find((m: any) => m.event === "post_status")).toMatchObject({ post_id: sent.json.id, status: "delivered" });
  });
});
