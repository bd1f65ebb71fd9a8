import { DiscordAPIError, HTTPError, RateLimitError, REST, Routes } from "discord.js";
import { z } from "zod";

/** The bot user a token belongs to, as `GET /users/@me` reports it. */
export interface TokenOwner {
  id: string;
  username: string;
  discriminator: string;
  bot: boolean;
}

export type TokenCheck = { ok: true; owner: TokenOwner } | { ok: false; reason: "rejected" | "not-a-bot" | "unreachable"; detail: string };

/** The part of Discord's user object the check reads. */
const userSchema = z.object({
  id: z.string(),
  username: z.string(),
  discriminator: z.string().optional(),
  bot: z.boolean().optional(),
});

export interface TokenCheckOptions {
  /** The server's API version (DISCORD_API_VERSION); default 10. */
  version?: number;
  timeoutMs?: number;
}

/** Asks Discord (or the sandbox) who a token belongs to. The token goes only into the Authorization header. */
export async function validateToken(apiUrl: string, token: string, options: TokenCheckOptions = {}): Promise<TokenCheck> {
  // One REST per check: the token is not the process's own. No retries and no waiting out a
  // rate limit, so a bad or busy answer is reported at once (as "unreachable", like any non-2xx).
  const rest = new REST({
    api: apiUrl.replace(/\/$/, ""),
    version: String(options.version ?? 10),
    timeout: options.timeoutMs ?? 10_000,
    retries: 0,
    rejectOnRateLimit: () => true,
  }).setToken(token);
  let body: unknown;
  try {
    body = await rest.get(Routes.user());
  } catch (err) {
    const status = err instanceof DiscordAPIError || err instanceof HTTPError ? err.status : err instanceof RateLimitError ? 429 : undefined;
    if (status === 401 || status === 403) return { ok: false, reason: "rejected", detail: `HTTP ${status}` };
    return { ok: false, reason: "unreachable", detail: status ? `HTTP ${status}` : (err as Error).message };
  } finally {
    rest.clearHashSweeper();
    rest.clearHandlerSweeper();
  }
  const user = userSchema.safeParse(body);
  if (!user.success) return { ok: false, reason: "unreachable", detail: "unexpected answer" };
  if (user.data.bot !== true) return { ok: false, reason: "not-a-bot", detail: "token of a user account" };
  return { ok: true, owner: { id: user.data.id, username: user.data.username, discriminator: user.data.discriminator ?? "0", bot: true } };
}

/** `name#1234`, or just `name` for Discord's newer unique usernames. */
export function tagOf(owner: TokenOwner): string {
  return owner.discriminator && owner.discriminator !== "0" ? `${owner.username}#${owner.discriminator}` : owner.username;
}
