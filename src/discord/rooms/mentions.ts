// Names in room messages, both ways: an outside agent writes "@Chef Bot" (resolved to a real mention of a
// bot in the channel); a bot or a person writes "@Claude Agent" (an agent has no Discord user: it is
// mentioned by name). Pure.

/** Someone who can be mentioned by name: a bot (its Discord user id) or a room agent (its member id). */
export interface Named {
  id: string;
  name: string;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** `@Name` followed by something that is not part of a longer name; longest names first so "Chef Bot 2" wins over "Chef Bot". */
function namePattern(people: readonly Named[]): RegExp | undefined {
  const names = [...new Set(people.map((p) => p.name.trim()).filter(Boolean))].sort((a, b) => b.length - a.length);
  if (names.length === 0) return undefined;
  return new RegExp(`@(${names.map(escape).join("|")})(?![\\p{L}\\p{N}_])`, "giu");
}

const byName = (people: readonly Named[], name: string) => people.find((p) => p.name.trim().toLowerCase() === name.toLowerCase());

/**
 * An outside agent's text as it is posted: raw `<@…>`, `<@&…>` and `<#…>` forms it wrote are shown as
 * text (it may ping only by name), and `@Name` of a bot in the channel becomes `<@id>`. Returns the text
 * and the user ids it pings (the only ones `allowed_mentions` lets through).
 */
export function resolveAgentText(content: string, bots: readonly Named[]): { content: string; userIds: string[] } {
  // A zero-width space after "<" keeps Discord from reading a pasted raw mention; @everyone/@here likewise.
  let text = content.replace(/<(@[!&]?\d+|#\d+)>/g, "<\u200b$1>").replace(/@(everyone|here)\b/gi, "@\u200b$1");
  const userIds: string[] = [];
  const pattern = namePattern(bots);
  if (pattern) {
    text = text.replace(pattern, (raw, name: string) => {
      const bot = byName(bots, name);
      if (!bot) return raw;
      if (!userIds.includes(bot.id)) userIds.push(bot.id);
      return `<@${bot.id}>`;
    });
  }
  return { content: text, userIds };
}

/** The agents a text names with `@Name` (case-insensitive), by member id. */
export function agentsNamed(content: string, agents: readonly Named[]): string[] {
  const pattern = namePattern(agents);
  if (!pattern) return [];
  const ids: string[] = [];
  for (const match of content.matchAll(pattern)) {
    const agent = byName(agents, match[1]!);
    if (agent && !ids.includes(agent.id)) ids.push(agent.id);
  }
  return ids;
}

/** Typed user mentions in a text, as user ids. */
export function typedMentions(content: string): string[] {
  return [...new Set([...content.matchAll(/<@!?(\d+)>/g)].map((m) => m[1]!))];
}

/** Discord's mention syntax as the text people read: `<@id>` → `@Name`, roles and channels by name, custom emoji as `:name:`. */
export function readableText(
  content: string,
  names: { user(id: string): string | undefined; role(id: string): string | undefined; channel(id: string): string | undefined },
): string {
  return content
    .replace(/<@!?(\d+)>/g, (_, id: string) => `@${names.user(id) ?? "unknown-user"}`)
    .replace(/<@&(\d+)>/g, (_, id: string) => `@${names.role(id) ?? "unknown-role"}`)
    .replace(/<#(\d+)>/g, (_, id: string) => `#${names.channel(id) ?? "unknown-channel"}`)
    .replace(/<a?:(\w+):\d+>/g, ":$1:");
}
