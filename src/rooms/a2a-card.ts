import { AgentCard, type AgentCard as Card } from "@a2a-js/sdk";
import type { RoomBot, RoomInfo } from "./types.js";

/** The JSON-RPC endpoint of one bot of a room as an A2A agent. */
export function a2aUrlOf(base: string, roomId: string, botId: string): string {
  return `${base}/a2a/${roomId}/${encodeURIComponent(botId)}`;
}

/** Where that bot's agent card is (A2A 1.0's well-known path under its endpoint). */
export function a2aCardUrlOf(base: string, roomId: string, botId: string): string {
  return `${a2aUrlOf(base, roomId, botId)}/.well-known/agent-card.json`;
}

/** The first lines of a persona, as an agent card's description (a persona holds no secret; it is cut short anyway). */
export function personaSummary(persona: string, max = 300): string {
  const text = persona
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"))
    .slice(0, 3)
    .join(" ");
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * A bot's A2A 1.0 agent card: who it is (from its persona), one skill (talk to it in the room),
 * JSON-RPC at its endpoint, and the invite key as an HTTP bearer scheme.
 */
export function botCard(base: string, room: RoomInfo, bot: RoomBot, limits: { messageBytes: number; answerTimeoutMs: number }): Card {
  const where = `the BoBB room "${room.name}" (a Discord channel where people watch)`;
  return {
    name: bot.name,
    description: `${bot.description || `${bot.name}, a bot`} Reached in ${where}: your message is posted there under your name, mentioning ${bot.name}; its answer comes back as the task's artifact.`,
    supportedInterfaces: [{ url: a2aUrlOf(base, room.id, bot.id), protocolBinding: "JSONRPC", tenant: "", protocolVersion: "1.0" }],
    provider: { organization: "BoBB", url: base },
    version: "1.0.0",
    capabilities: { streaming: true, pushNotifications: false, extensions: [], extendedAgentCard: false },
    securitySchemes: {
      invite_key: {
        scheme: {
          $case: "httpAuthSecurityScheme",
          value: { scheme: "Bearer", bearerFormat: "ak_… invite key", description: "The key of your BoBB room invite block" },
        },
      },
    },
    securityRequirements: [{ schemes: { invite_key: { list: [] } } }],
    defaultInputModes: ["text/plain"],
    defaultOutputModes: ["text/plain"],
    skills: [
      {
        id: "ask",
        name: `Ask ${bot.name}`,
        description: `Ask ${bot.name} something in ${where}. Text only, at most ${limits.messageBytes} bytes; the answer waits up to ${Math.round(limits.answerTimeoutMs / 1000)} s. A person's "stop" cancels it; the room's loop governor may refuse it.`,
        tags: ["chat", "discord", "bobb"],
        examples: [`What do you suggest, ${bot.name}?`],
        inputModes: ["text/plain"],
        outputModes: ["text/plain"],
        securityRequirements: [],
      },
    ],
    signatures: [],
  };
}

/** The card as A2A 1.0 JSON on the wire. */
export function cardJson(card: Card): unknown {
  return AgentCard.toJSON(card);
}
