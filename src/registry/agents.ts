import { AGENT_ID_PATTERN, RESERVED_IDS, type Agent, type Registry } from "./schema.js";
import { RegistryError } from "./errors.js";
import { nameKey } from "./text-rules.js";

export { RESERVED_IDS };

/** Derives an agent id from a display name: "Chef Bot!" → "chef-bot". */
export function slugify(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 48)
    .replace(/-+$/g, "");
  return slug || "bot";
}

export interface NewAgent {
  id?: string | undefined;
  name: string;
  persona: string;
  created_by?: string | undefined;
}

/** Adds a pending agent to a registry draft; refuses a taken id or name. */
export function addAgent(draft: Registry, input: NewAgent, port: number, now: Date): Agent {
  const id = input.id ?? slugify(input.name);
  if (!AGENT_ID_PATTERN.test(id) || RESERVED_IDS.has(id)) {
    throw new RegistryError(
      "INVALID_AGENT",
      `id "${id}" is not allowed: expected lowercase letters, digits, - or _ and not one of ${[...RESERVED_IDS].join(", ")}`,
    );
  }
  if (draft.agents[id]) throw new RegistryError("AGENT_EXISTS", `an agent with id "${id}" already exists`);
  const sameName = findByName(draft, input.name);
  if (sameName) throw new RegistryError("AGENT_EXISTS", `an agent named "${sameName.name}" already exists (id "${sameName.id}")`);
  const agent: Agent = {
    id,
    name: input.name,
    persona: input.persona,
    port,
    status: "pending_token",
    token: null,
    discord_user_id: null,
    created_at: now.toISOString(),
    activated_at: null,
    ...(input.created_by ? { created_by: input.created_by } : {}),
  };
  draft.agents[id] = agent;
  draft.next_port = Math.max(draft.next_port, port + 1);
  return agent;
}

/** The agent with this display name or id, compared case-insensitively (after NFC). */
export function findByName(registry: Registry, name: string, exceptId?: string): Agent | undefined {
  const wanted = nameKey(name);
  return Object.values(registry.agents).find((a) => a.id !== exceptId && (nameKey(a.name) === wanted || a.id === wanted));
}

/** Agents whose id, name or persona contains the query (case-insensitive), names first. */
export function searchAgents(registry: Registry, query: string): Agent[] {
  const q = query.trim().toLowerCase();
  const all = Object.values(registry.agents);
  const byName = all.filter((a) => a.name.toLowerCase().includes(q) || a.id.includes(q));
  const byPersona = all.filter((a) => !byName.includes(a) && a.persona.toLowerCase().includes(q));
  return [...byName, ...byPersona];
}

/** Agents still waiting for a Discord token. */
export function pendingAgents(registry: Registry): Agent[] {
  return Object.values(registry.agents).filter((a) => a.status === "pending_token");
}

/** The agent that already uses this Discord token or bot user, if any. */
export function agentUsingToken(registry: Registry, token: string, exceptId?: string): Agent | undefined {
  return Object.values(registry.agents).find((a) => a.id !== exceptId && a.token === token);
}
