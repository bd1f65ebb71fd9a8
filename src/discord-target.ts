import path from "node:path";
import type { Config } from "./config/index.js";
import type { RootLogger } from "./log/index.js";
import { createSandbox, type Sandbox } from "./sandbox/index.js";

/** Where the bots connect and how invites look: real Discord, or the embedded sandbox. */
export interface DiscordTarget {
  /** REST base for discord.js and token checks (…/api). */
  apiUrl: string | undefined;
  /** BoBB's own token. */
  bobbToken: string;
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
    return {
      apiUrl: env.DISCORD_API_URL,
      bobbToken: env.BOBB_DISCORD_TOKEN,
      inviteUrl: (id) => `https://discord.com/oauth2/authorize?client_id=${id}&scope=bot&permissions=274877991936`,
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
  return {
    apiUrl: `${sandbox.url}/api`,
    bobbToken: bobb.token,
    inviteUrl: (id) => `${sandbox.url}/oauth2/authorize?client_id=${id}&scope=bot`,
    sandbox,
    close: () => sandbox.close(),
  };
}
