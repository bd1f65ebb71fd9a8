/**
 * Where a Discord-compatible server lives: its REST base and API version (discord.js and the
 * token check) and the web origin that serves `/oauth2/authorize` (invite links). Pure.
 */

export const DISCORD_API_URL = "https://discord.com/api";
export const DISCORD_API_VERSION = 10;
/** View Channels, Send Messages, Read Message History, Send Messages in Threads (what a child bot needs). */
export const BOT_PERMISSIONS = "274877991936";

export interface DiscordEndpoints {
  /** REST base without the version, e.g. https://discord.com/api. */
  apiUrl: string;
  apiVersion: number;
  /** Web origin for invite links, e.g. https://discord.com. */
  webUrl: string;
}

/** The endpoints from configuration: DISCORD_WEB_URL when set, else the API base without its trailing `/api` (or `/api/vN`). */
export function discordEndpoints(apiUrl: string | undefined, apiVersion: number = DISCORD_API_VERSION, webUrl?: string): DiscordEndpoints {
  const api = (apiUrl ?? DISCORD_API_URL).replace(/\/+$/, "");
  return { apiUrl: api, apiVersion, webUrl: (webUrl ?? webOrigin(api)).replace(/\/+$/, "") };
}

function webOrigin(apiUrl: string): string {
  const url = new URL(apiUrl);
  const stripped = url.pathname.replace(/\/+$/, "").replace(/\/api(\/v\d+)?$/, "");
  return `${url.origin}${stripped}`;
}

/** The OAuth2 link that adds a bot to a server, on the server the bots run against. */
export function botInviteUrl(endpoints: Pick<DiscordEndpoints, "webUrl">, botUserId: string): string {
  const query = new URLSearchParams({ client_id: botUserId, scope: "bot", permissions: BOT_PERMISSIONS });
  return `${endpoints.webUrl}/oauth2/authorize?${query.toString()}`;
}

/** Where people create applications and reset tokens: the Developer Portal of the server the bots run against. */
export function portalUrl(endpoints: Pick<DiscordEndpoints, "webUrl">): string {
  return `${endpoints.webUrl}/developers/applications`;
}
