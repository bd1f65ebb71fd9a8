import type { Agent, Registry } from "./schema.js";

export type RegistryChange =
  | { type: "added"; id: string; agent: Agent }
  | { type: "removed"; id: string; previous: Agent }
  | { type: "changed"; id: string; agent: Agent; previous: Agent; fields: string[] };

/** Lists what differs between two registries, agent by agent. */
export function diffRegistries(before: Registry, after: Registry): RegistryChange[] {
  const changes: RegistryChange[] = [];
  for (const [id, agent] of Object.entries(after.agents)) {
    const previous = before.agents[id];
    if (!previous) {
      changes.push({ type: "added", id, agent });
      continue;
    }
    const keys = new Set([...Object.keys(previous), ...Object.keys(agent)]);
    const fields = [...keys].filter((k) => JSON.stringify((previous as Record<string, unknown>)[k]) !== JSON.stringify((agent as Record<string, unknown>)[k]));
    if (fields.length > 0) changes.push({ type: "changed", id, agent, previous, fields: fields.sort() });
  }
  for (const [id, previous] of Object.entries(before.agents)) {
    if (!after.agents[id]) changes.push({ type: "removed", id, previous });
  }
  return changes;
}
