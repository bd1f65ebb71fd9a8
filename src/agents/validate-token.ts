/** The bot user a token belongs to, as `GET /users/@me` reports it. */
export interface TokenOwner {
  id: string;
  username: string;
  discriminator: string;
  bot: boolean;
}

export type TokenCheck = { ok: true; owner: TokenOwner } | { ok: false; reason: "rejected" | "not-a-bot" | "unreachable"; detail: string };

/** Asks Discord (or the sandbox) who a token belongs to. The token goes only into the Authorization header. */
export async function validateToken(apiUrl: string, token: string, timeoutMs = 10_000): Promise<TokenCheck> {
  let res: Response;
  try {
    res = await fetch(`${apiUrl.replace(/\/$/, "")}/v10/users/@me`, {
      headers: { authorization: `Bot ${token}` },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    return { ok: false, reason: "unreachable", detail: (err as Error).message };
  }
  if (res.status === 401 || res.status === 403) return { ok: false, reason: "rejected", detail: `HTTP ${res.status}` };
  if (!res.ok) return { ok: false, reason: "unreachable", detail: `HTTP ${res.status}` };
  const body = (await res.json()) as Partial<TokenOwner>;
  if (typeof body.id !== "string" || typeof body.username !== "string") return { ok: false, reason: "unreachable", detail: "unexpected answer" };
  if (body.bot !== true) return { ok: false, reason: "not-a-bot", detail: "token of a user account" };
  return { ok: true, owner: { id: body.id, username: body.username, discriminator: body.discriminator ?? "0", bot: true } };
}

/** `name#1234`, or just `name` for Discord's newer unique usernames. */
export function tagOf(owner: TokenOwner): string {
  return owner.discriminator && owner.discriminator !== "0" ? `${owner.username}#${owner.discriminator}` : owner.username;
}
