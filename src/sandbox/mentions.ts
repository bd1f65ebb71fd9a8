/** The `allowed_mentions` object of a message create/edit request. */
export interface AllowedMentions {
  parse?: readonly ("users" | "roles" | "everyone")[] | undefined;
  users?: readonly string[] | undefined;
  roles?: readonly string[] | undefined;
  replied_user?: boolean | undefined;
}

/** What the typed mentions in a message's content refer to. */
export interface ParsedMentions {
  userIds: string[];
  roleIds: string[];
  everyone: boolean;
}

/** Finds `<@id>`, `<@!id>`, `<@&id>`, `@everyone` and `@here` in content, in order, without duplicates. */
export function parseMentions(content: string): ParsedMentions {
  const userIds = new Set<string>();
  const roleIds = new Set<string>();
  for (const match of content.matchAll(/<@(!|&)?(\d{17,20})>/g)) {
    const id = match[2];
    if (!id) continue;
    if (match[1] === "&") roleIds.add(id);
    else userIds.add(id);
  }
  return { userIds: [...userIds], roleIds: [...roleIds], everyone: /@(everyone|here)\b/.test(content) };
}

/** Who a message actually pings, given its typed mentions and `allowed_mentions`, as Discord decides it. */
export interface ResolvedMentions {
  userIds: string[];
  roleIds: string[];
  everyone: boolean;
  repliedUser: boolean;
}

/**
 * Applies Discord's rules: without `allowed_mentions` everything typed pings and a reply pings
 * its author; with it, only what `parse`/`users`/`roles` allow pings, and a reply pings only
 * when `replied_user` is true.
 */
export function resolveMentions(
  parsed: ParsedMentions,
  allowed: AllowedMentions | null | undefined,
  options: { isReply: boolean; canMentionEveryone: boolean },
): ResolvedMentions {
  if (!allowed) {
    return {
      userIds: parsed.userIds,
      roleIds: parsed.roleIds,
      everyone: parsed.everyone && options.canMentionEveryone,
      repliedUser: options.isReply,
    };
  }
  const parse = allowed.parse ?? [];
  const users = parse.includes("users") ? parsed.userIds : parsed.userIds.filter((id) => allowed.users?.includes(id));
  const roles = parse.includes("roles") ? parsed.roleIds : parsed.roleIds.filter((id) => allowed.roles?.includes(id));
  return {
    userIds: users,
    roleIds: roles,
    everyone: parsed.everyone && parse.includes("everyone") && options.canMentionEveryone,
    repliedUser: options.isReply && allowed.replied_user === true,
  };
}

/** Discord's validation of `allowed_mentions`: `parse` may not name a type that is also listed explicitly. */
export function allowedMentionsError(allowed: AllowedMentions): string | null {
  const parse = allowed.parse ?? [];
  if (parse.includes("users") && (allowed.users?.length ?? 0) > 0) return "users";
  if (parse.includes("roles") && (allowed.roles?.length ?? 0) > 0) return "roles";
  return null;
}
