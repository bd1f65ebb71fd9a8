import { splitForDiscord } from "../split.js";
import type { InviteCreated, RoomAgentView } from "../rooms/ports.js";

/** The block as messages: in one code block when it fits and has no fences of its own, else as Markdown in parts. */
export function blockMessages(block: string, intro?: string): string[] {
  const fenced = !block.includes("```") ? "```\n" + block + "\n```" : block;
  const whole = intro ? `${intro}\n${fenced}` : fenced;
  return splitForDiscord(whole);
}

/** What the person who created an invite reads above the block (the only place its key is ever shown). */
export function inviteIntro(created: InviteCreated): string {
  const { label, mode, expires_at } = created.invite;
  const expires = Math.floor(Date.parse(expires_at) / 1000);
  return [
    `Invite **${label}** (${mode === "ask" ? "ask: each post waits for Approve" : "auto: posts go straight in"}) is ready. Paste the block below to the agent; it holds the key, shown only here.`,
    `An agent that fetches URLs can take the join link ${created.join_url} instead; or tell yours the join code **${created.join_code}** (single-use, short-lived), which it exchanges with \`POST ${joinUrlOf(created)} {"code": "${created.join_code}", "name": "<its name>"}\`.`,
    `-# Unused, it expires <t:${expires}:R>. Revoke it with \`/bobb room revoke label:${label}\`. **Copy** shows the block alone.`,
  ].join("\n");
}

const PRESENCE: Record<RoomAgentView["presence"], string> = { connected: "🟢 connected", polling: "🟡 polling", disconnected: "⚪ disconnected" };

/** One line of `/bobb room agents`. */
export function agentLine(agent: RoomAgentView): string {
  const seen = agent.last_seen ? `last seen <t:${Math.floor(Date.parse(agent.last_seen) / 1000)}:R>` : "never seen";
  const transport = agent.transport === "ws" ? "WebSocket" : agent.transport === "rest" ? "REST" : "no transport yet";
  return `- **${agent.name}** (invite \`${agent.label}\`, ${agent.mode}): ${transport}, ${PRESENCE[agent.presence]}, ${seen}`;
}

/** Where a join code is exchanged: /api/join beside the room's REST base. */
const joinUrlOf = (created: InviteCreated) => created.transports.rest.replace(/\/rooms\/[^/]+$/, "/join");
