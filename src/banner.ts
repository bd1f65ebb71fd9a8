import path from "node:path";
import { configuredModel } from "./agent-model.js";
import type { App } from "./app.js";
import type { Config } from "./config/index.js";

/** What the start-up banner tells a person at the terminal. */
export interface BannerInput {
  /** The sandbox's web chat, when BoBB runs on the local sandbox. */
  chatUrl?: string | undefined;
  /** Real Discord: BoBB's tag and the link that invites it to a server. */
  discord?: { tag: string; inviteUrl: string } | undefined;
  model: string;
  mode: "project" | "isolated" | "shared";
  /** Child bots online besides BoBB. */
  bots: number;
  apiUrl: string;
  /** Where the log lines go; undefined when they are shown here. */
  logFile?: string | undefined;
}

/** The few lines a person reads at start-up: what runs, the URL to open, how to stop. */
export function startupBanner(b: BannerInput): string {
  const discord = b.chatUrl
    ? `local sandbox: open ${b.chatUrl} in your browser to chat with BoBB (Developer Portal: ${b.chatUrl}/portal)`
    : `online as ${b.discord?.tag ?? "BoBB"}; invite it to a server: ${b.discord?.inviteUrl ?? "(unknown)"}`;
  const lines = [
    "BoBB is running.",
    `  Discord   ${discord}`,
    `  Model     ${b.model}`,
    `  Bots      BoBB${b.bots > 0 ? ` + ${b.bots} more` : ""} (OpenCode ${b.mode} mode)`,
    `  Tool API  ${b.apiUrl}`,
    ...(b.logFile ? [`  Logs      ${b.logFile} (warnings and errors also show here; LOG_LEVEL=debug shows everything)`] : []),
    "Press Ctrl+C to stop.",
  ];
  return lines.join("\n");
}

/** The banner's facts, read from the running app. */
export function bannerInput(config: Config, app: App, logFile: string | undefined): BannerInput {
  const model = configuredModel(config);
  const bobb = app.bots.get("bobb");
  return {
    chatUrl: app.discord.sandbox?.url,
    discord: bobb ? { tag: bobb.client.user.tag, inviteUrl: app.discord.inviteUrl(bobb.client.user.id) } : undefined,
    model: !model
      ? "offline demo model (set ANTHROPIC_API_KEY or BOBB_MODEL_BASE_URL for a real one)"
      : model.kind === "openai-compatible"
        ? `${model.model} at ${model.baseUrl}`
        : model.model,
    mode: config.env.BOBB_OPENCODE_MODE,
    bots: app.bots.list().filter((bot) => bot.spec.agentId !== "bobb").length,
    apiUrl: app.apiUrl,
    logFile: logFile && shortPath(logFile),
  };
}

/** A path relative to the working directory when it is inside it. */
function shortPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith("..") && !path.isAbsolute(relative) ? relative : file;
}
