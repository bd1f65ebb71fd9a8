import path from "node:path";
import type { Config } from "./config/index.js";
import type { RootLogger } from "./log/index.js";
import { botInviteUrl, discordEndpoints, type DiscordEndpoints } from "./discord/index.js";
import { createSandbox, type Sandbox } from "./sandbox/index.js";

/** Where the bots connect and how invites look: real Discord, or the embedded sandbox. */
export interface DiscordTarget {
  /** REST base for discord.js and token checks (…/api); undefined for discord.com itself. */
  apiUrl: string | undefined;
  /** REST base, API version and web origin (invite links) of the server the bots run against. */
  endpoints: DiscordEndpoints;
  /** BoBB's own token. */
  bobbToken: string;
  /** The OAuth2 link that adds a bot to a server, on the server the bots run against (one function for every answer). */
  inviteUrl(botUserId: string): string;
  sandbox?: Sandbox;
  close(): Promise<void>;
}

export const DEMO_BANNER =
  "Replies come from the offline demo model. Set ANTHROPIC_API_KEY (or BOBB_MODEL_BASE_URL for a local model such as Ollama) and restart to use a real one.";

/**
 * With BOBB_DISCORD_TOKEN: real Discord (or DISCORD_API_URL). Without: the sandbox on
 * SANDBOX_PORT with persisted state, a seeded guild, a human for the browser and BoBB's application.
 */
export async function discordTarget(config: Config, root: RootLogger): Promise<DiscordTarget> {
  const { env } = config;
  if (env.BOBB_DISCORD_TOKEN) {
    const endpoints = discordEndpoints(env.DISCORD_API_URL, env.DISCORD_API_VERSION, env.DISCORD_WEB_URL);
    return {
      apiUrl: env.DISCORD_API_URL,
      endpoints,
      bobbToken: env.BOBB_DISCORD_TOKEN,
      inviteUrl: (id) => botInviteUrl(endpoints, id),
      close: async () => undefined,
    };
  }
  const log = root.logger.child({ component: "sandbox" });
  const sandbox = await createSandbox({
    port: env.SANDBOX_PORT,
    statePath: path.join(config.dataDir, "sandbox.json"),
    humanName: "you",
    logger: log,
    ...(config.modelSource === "demo" ? { banner: DEMO_BANNER } : {}),
  });
  const control = sandbox.control;
  const existing = control.applications().find((a) => a.name === "BoBB");
  const bobb = existing
    ? { application_id: existing.application_id, token: control.resetToken(existing.application_id).token }
    : control.createApplication("BoBB", { message_content_intent: true });
  const guildId = control.guildId();
  const botUserId = existing?.bot_user_id ?? (bobb as { bot_user_id?: string }).bot_user_id;
  if (
    !control
      .guilds()
      .find((g) => g.id === guildId)
      ?.members.some((m) => m.id === botUserId)
  )
    control.addBotToGuild(guildId, bobb.application_id);
  root.secrets.add(bobb.token);
  // The embedded sandbox serves its own invite page; it speaks API v10 as Discord does.
  const endpoints = discordEndpoints(`${sandbox.url}/api`, 10, sandbox.url);
  return {
    apiUrl: endpoints.apiUrl,
    endpoints,
    bobbToken: bobb.token,
    inviteUrl: (id) => botInviteUrl(endpoints, id),
    sandbox,
    close: () => sandbox.close(),
  };
}
