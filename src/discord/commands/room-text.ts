import { splitForDiscord } from "../split.js";
import type { InviteCreated, RoomAgentView } from "../rooms/ports.js";

/**
 * The block as messages: in one code block when it fits and has no fences of its own, else as Markdown
 * in parts cut at its headings (never inside a code block), so the parts joined by line breaks are the
 * block as written; only a section longer than a message is cut inside.
 */
export function blockMessages(block: string, intro?: string, limit = 2000): string[] {
  if (!block.includes("```")) return splitForDiscord(`${intro ? `${intro}\n` : ""}\`\`\`\n${block}\n\`\`\``, limit);
  const parts: string[] = [];
  let current = "";
  for (const section of sectionsOf(intro ? `${intro}\n${block}` : block)) {
    if (current !== "" && current.length + 1 + section.length <= limit) {
      current += `\n${section}`;
      continue;
    }
    if (current !== "") parts.push(current);
    if (section.length <= limit) current = section;
    else {
      parts.push(...splitForDiscord(section, limit));
      current = "";
    }
  }
  if (current !== "") parts.push(current);
  return parts;
}

/** Markdown cut before each heading that is not inside a code block. */
function sectionsOf(text: string): string[] {
  const sections: string[][] = [[]];
  let fenced = false;
  for (const line of text.split("\n")) {
    if (!fenced && /^#{1,6} /.test(line) && sections.at(-1)!.length > 0) sections.push([]);
    if (line.trimStart().startsWith("```")) fenced = !fenced;
    sections.at(-1)!.push(line);
  }
  return sections.map((lines) => lines.join("\n"));
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
  const transport = agent.transport ? TRANSPORT_NAMES[agent.transport] : "no transport yet";
  return `- **${agent.name}** (invite \`${agent.label}\`, ${agent.mode}): ${transport}, ${PRESENCE[agent.presence]}, ${seen}`;
}

const TRANSPORT_NAMES = { ws: "WebSocket", rest: "REST", mcp: "MCP", a2a: "A2A" } as const;
/** Where a join code is exchanged: /api/join beside the room's REST base. */
const joinUrlOf = (created: InviteCreated) => created.transports.rest.replace(/\/rooms\/[^/]+$/, "/join");
