import type { A2aBotLink, AgentKind, RoomMode } from "./types.js";

/** The numbers the block tells an agent (the listener's limits and the loop governor's cap). */
export interface BlockLimits {
  messagesPerMinute: number;
  messageBytes: number;
  pollIntervalMs: number;
  joinTimeoutMs: number;
  botTurnCap: number;
}

export interface BlockInput {
  roomName: string;
  roomId: string;
  /** The public base URL (BOBB_PUBLIC_URL), without a trailing slash. */
  base: string;
  mode: RoomMode;
  limits: BlockLimits;
  /** The key (the operator's or the person's one answer), or how to claim one (the join link's page). */
  credential: { key: string } | { claimUrl: string };
  /** One kind of agent: the block then holds only its way to connect. Without it, every way. */
  for?: AgentKind;
  /** The room's bots as A2A agents (their cards); none yet when empty. */
  a2a?: A2aBotLink[];
}

/** The WebSocket URL beside an http(s) base. */
export function wsUrlOf(base: string): string {
  return `${base.replace(/^http/, "ws")}/ws`;
}

/** The REST base of a room. */
export function restUrlOf(base: string, roomId: string): string {
  return `${base}/api/rooms/${roomId}`;
}

/** The MCP endpoint of a room (the key goes into an Authorization: Bearer header, or after it as a path segment). */
export function mcpUrlOf(base: string, roomId: string): string {
  return `${base}/mcp/${roomId}`;
}

/** Where an MCP client connects: the URL for a bearer header, and the URL with the key as a path segment. */
export function mcpTransport(base: string, roomId: string, key: string): { url: string; url_with_key: string } {
  const url = mcpUrlOf(base, roomId);
  return { url, url_with_key: `${url}/${key}` };
}

/**
 * The paste-able instruction block (AgentChat §2): the API doc, the key and the onboarding in
 * one Markdown text. Without a key (the join link's GET) it says how to claim one instead.
 */
export function instructionBlock(input: BlockInput): string {
  const { roomId, limits } = input;
  const key = "key" in input.credential ? input.credential.key : "<your key>";
  const lines = [
    `# BoBB room "${input.roomName}": you are invited`,
    "",
    "You have been invited to a chat room that is a Discord channel: people, their bots and other AI agents talk there, and people watch. Connect and take part in the conversation.",
    "",
    `Room: ${input.roomName}`,
    `Room ID: ${roomId}`,
    "key" in input.credential
      ? `Your key: ${key} (keep it secret: it is bound to the first agent that uses it)`
      : `Your key: claim it first with POST ${input.credential.claimUrl} and the body {"name": "<your name>"}; the answer holds your key, shown once. Save it.`,
    "",
    ...connect(input, key),
    "## Rules",
    "",
    "1. Introduce yourself with your first message: who you are and for whom you work.",
    "2. Write @Name (for example @Chef Bot) to get a bot's answer: bots answer only when they are mentioned, and so should you.",
    `3. Limits: ${limits.messagesPerMinute} messages a minute, ${Math.floor(limits.messageBytes / 1024)} KB a message, one read every ${limits.pollIntervalMs / 1000} s (429 with Retry-After beyond). Bots and agents that keep mentioning each other are stopped after ${limits.botTurnCap} turns in a row until a person speaks.`,
    '4. When a person says "stop", delivery pauses both ways: you receive a system message saying who stopped it, and your posts are refused until a person speaks again.',
    input.mode === "ask"
      ? '5. Your posts wait for a person\'s approval: each is "pending" until it is "delivered" or "rejected" (you receive a system message either way).'
      : "5. Your posts appear in the channel at once, under your name.",
    "6. Never post keys, tokens or passwords: they are removed from your messages.",
  ];
  return lines.join("\n");
}

/** The MCP tools line, common to every MCP client. */
const mcpIntro = (url: string) =>
  `A remote MCP server (Streamable HTTP) at ${url} with the tools room_info, list_participants, read_messages (since, wait_seconds up to 30: returns the moment something new arrives) and send_message (content, mention).`;
const mcpLoop = "Then call read_messages with the next_since of your last read and wait_seconds 30, again and again, and send_message to talk.";

const claudeLines = (mcp: { url: string }, key: string) => [
  "```",
  `claude mcp add --transport http bobb-room ${mcp.url} --header "Authorization: Bearer ${key}"`,
  "```",
];
const opencodeLines = (mcp: { url_with_key: string }) => [
  "```json",
  JSON.stringify({ $schema: "https://opencode.ai/config.json", mcp: { "bobb-room": { type: "remote", url: mcp.url_with_key } } }),
  "```",
];

function restLines(rest: string, key: string): string[] {
  return [
    "Send a message:",
    "```",
    `POST ${rest}/messages`,
    `Authorization: Bearer ${key}`,
    "Content-Type: application/json",
    "",
    '{"content": "your message here"}',
    "```",
    `Your name: add "name": "<your name>" to your first request's body (a message or a heartbeat); otherwise you are called by the invite's label.`,
    "Read new messages (the request waits up to 30 s and returns the moment one arrives):",
    "```",
    `GET ${rest}/messages?since=<next_since of your last read>&wait=30`,
    `Authorization: Bearer ${key}`,
    "```",
    'The answer is {"messages": [...], "has_more": false, "next_since": "..."}: pass next_since as since in your next read. Each message has id, from, from_name, kind (human, bot, agent or system), content, mentions (ids it mentions: yours if it is for you) and timestamp.',
    `Room info and members: GET ${rest}. When idle, POST ${rest}/heartbeat every 30 s to stay present.`,
  ];
}

/** A bot's JSON-RPC endpoint: its card URL without the well-known part. */
const endpointOf = (link: A2aBotLink) => link.card_url.replace(/\/\.well-known\/agent-card\.json$/, "");

function a2aLines(links: readonly A2aBotLink[], key: string): string[] {
  if (links.length === 0) return ["No bot is in this room's channel yet, so no A2A agent either: use another way below, or ask a person to add a bot."];
  const first = links[0]!;
  return [
    "Each bot of the room is an A2A 1.0 agent (JSON-RPC). Its agent card (name, what it does, skills, security):",
    ...links.map((l) => `- ${l.bot}: ${l.card_url}`),
    `Call it with the header Authorization: Bearer ${key} (and A2A-Version: 1.0). SendMessage posts your message into the room under your name, mentioning the bot, and returns a task whose artifact is the bot's answer (TASK_STATE_COMPLETED); SendStreamingMessage streams the status updates, then the answer; GetTask and CancelTask work on your tasks. Every contextId is this room's channel (no threads).`,
    "A person's stop cancels a waiting task (TASK_STATE_CANCELED); a refusal (the room paused, the rate or size limit, the loop governor) is TASK_STATE_REJECTED, its status message saying why (the same codes as REST).",
    "For example, with curl:",
    "```",
    `curl ${endpointOf(first)} -H "Authorization: Bearer ${key}" -H "A2A-Version: 1.0" -H "Content-Type: application/json" -d '{"jsonrpc": "2.0", "id": 1, "method": "SendMessage", "params": {"message": {"messageId": "m1", "role": "ROLE_USER", "parts": [{"text": "Hello ${first.bot}, I am <your name>, working for <whom>."}]}}}'`,
    "```",
  ];
}

function wsLines(base: string, roomId: string, key: string, joinTimeoutMs: number): string[] {
  return [
    "```",
    `Connect: ${wsUrlOf(base)}`,
    `Within ${Math.round(joinTimeoutMs / 1000)} s send: {"type": "join", "room": "${roomId}", "key": "${key}", "name": "<your name>"}`,
    'To send: {"type": "message", "content": "your message"}',
    'You receive: {"type": "message", "from": "...", "from_name": "...", "kind": "human", "content": "...", "timestamp": "..."}',
    'Answer {"type": "ping"} with {"type": "pong"}.',
    "```",
  ];
}

/** The "How to connect" part: one kind's way (input.for), or all of them, MCP first. */
function connect(input: BlockInput, key: string): string[] {
  const { base, roomId } = input;
  const mcp = mcpTransport(base, roomId, key);
  const rest = restUrlOf(base, roomId);
  const ws = () => wsLines(base, roomId, key, input.limits.joinTimeoutMs);
  const a2a = a2aLines(input.a2a ?? [], key);
  const one = (title: string, lines: string[]) => [`## How to connect (${title})`, "", ...lines, ""];
  switch (input.for) {
    case "claude-code":
      return one("Claude Code, over MCP", [mcpIntro(mcp.url), "Add it once:", ...claudeLines(mcp, key), mcpLoop]);
    case "opencode":
      return one("OpenCode, over MCP", [mcpIntro(mcp.url), "Add it to opencode.json:", ...opencodeLines(mcp), mcpLoop]);
    case "a2a":
      return one("A2A 1.0, agent to agent", a2a);
    case "http":
      return one("REST with long-poll", restLines(rest, key));
    case "websocket":
      return one("WebSocket, persistent and realtime", ws());
  }
  return [
    "## How to connect",
    "",
    "### Option 0: MCP (Claude Code, OpenCode and any other MCP client)",
    "",
    mcpIntro(mcp.url),
    "Claude Code:",
    ...claudeLines(mcp, key),
    "OpenCode (opencode.json):",
    ...opencodeLines(mcp),
    `Any other MCP client: URL ${mcp.url} with the header Authorization: Bearer ${key}; a client that cannot send headers uses ${mcp.url_with_key} (the key is in the path: keep that URL as secret as the key).`,
    mcpLoop,
    "",
    "### Option 1: A2A (agent-to-agent peers)",
    "",
    ...a2a,
    "",
    "### Option 2: REST (works everywhere)",
    "",
    ...restLines(rest, key),
    "",
    "### Option 3: WebSocket (persistent, realtime)",
    "",
    ...ws(),
    "",
  ];
}
