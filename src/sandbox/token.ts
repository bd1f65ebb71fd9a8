import { createHmac, randomBytes } from "node:crypto";

// Discord's token timestamps count seconds from 2011-01-01, not from the Unix epoch.
const TOKEN_EPOCH_SECONDS = 1293840000;

/**
 * Makes a bot token shaped like Discord's: base64url(user id) "." base64url(timestamp) "." hmac.
 * Intake code that recognises real tokens by shape must not be able to tell these apart.
 */
export function makeBotToken(userId: string, secret: string, nowMs: number = Date.now()): string {
  const idPart = Buffer.from(userId, "utf8").toString("base64url");
  const stamp = Buffer.alloc(4);
  stamp.writeUInt32BE((Math.floor(nowMs / 1000) - TOKEN_EPOCH_SECONDS) >>> 0);
  const timePart = stamp.toString("base64url");
  // A random salt makes a reset within the same second still produce a new token.
  const salt = randomBytes(12).toString("hex");
  const mac = createHmac("sha256", secret).update(`${idPart}.${timePart}.${salt}`).digest("base64url").slice(0, 38);
  return `${idPart}.${timePart}.${mac}`;
}

/** How the sandbox mints bot tokens: Discord's shape, or a JWT as some Discord-compatible servers issue. */
export type TokenStyle = "discord" | "jwt";

/** A bot token of the given style for a bot user. */
export function mintBotToken(style: TokenStyle, userId: string, secret: string, nowMs: number = Date.now()): string {
  return style === "jwt" ? makeJwtToken(userId, secret, nowMs) : makeBotToken(userId, secret, nowMs);
}

/** A signed JWT (HS256) naming the bot user: `header.payload.signature`, each part base64url. */
export function makeJwtToken(userId: string, secret: string, nowMs: number = Date.now()): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value), "utf8").toString("base64url");
  const body = `${part({ alg: "HS256", typ: "JWT" })}.${part({ sub: userId, iat: Math.floor(nowMs / 1000), jti: randomBytes(8).toString("hex") })}`;
  return `${body}.${createHmac("sha256", secret).update(body).digest("base64url")}`;
}

/** The user id encoded in a token's first part, or null when it does not decode to a snowflake. */
export function tokenUserId(token: string): string | null {
  const first = token.split(".")[0] ?? "";
  const decoded = Buffer.from(first, "base64url").toString("utf8");
  return /^\d{17,20}$/.test(decoded) ? decoded : null;
}

/** Strips an optional "Bot " scheme from an Authorization value or identify token. */
export function bareToken(value: string | undefined): string | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (trimmed.startsWith("Bot ")) return trimmed.slice(4).trim() || null;
  if (trimmed.startsWith("Bearer ")) return null; // OAuth2 bearer tokens are not emulated
  return trimmed || null;
}
