import path from "node:path";
import { ConfigError, loadConfig, readEnvironment, type Env } from "./config/index.js";
import { createLogger, logFileStream, type LoggerOptions } from "./log/index.js";
import type { App } from "./app.js";
import { bannerInput, startupBanner } from "./banner.js";

/** Process concerns only: config, logger, signals, graceful close. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(readEnvironment(process.cwd()));
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`bobb: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  // A person at a terminal reads a short banner; the log lines go to a file (all of them at LOG_LEVEL=debug/trace
  // are shown as before). Without a TTY (services, CI, tests) the JSON lines on stdout stay as they are.
  const terminal = process.stdout.isTTY === true;
  const logFile = terminal && !["debug", "trace"].includes(config.env.LOG_LEVEL) ? path.join(config.dataDir, "bobb.log") : undefined;
  const root = createLogger({ level: config.env.LOG_LEVEL, ...loggerOutputs(logFile) });
  for (const secret of [config.env.BOBB_DISCORD_TOKEN, config.env.ANTHROPIC_API_KEY, config.env.BOBB_API_KEY, config.env.BOBB_MODEL_API_KEY]) {
    root.secrets.add(secret);
  }
  if (terminal) console.log("Starting BoBB…");
  // Signals are handled from the first moment: a stop during start-up still closes every child process.
  const starting = new AbortController();
  let closing: Promise<void> | undefined;
  let app: App | undefined;
  const shutdown = (signal: string) => {
    if (closing) return;
    root.logger.info(`${signal} received; shutting down`);
    if (terminal) console.log("Stopping BoBB…");
    if (!app) {
      starting.abort();
      return;
    }
    closing = app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        root.logger.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  // The net under the per-client guard (discord/client-guard.ts): a rejection nobody handled is logged, and one
  // bot's failure never takes the process and every other bot with it.
  process.on("unhandledRejection", (err) => root.logger.error({ err }, "unhandled rejection; kept running"));
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  // Last resort when the process exits without close(): no OpenCode server may outlive it.
  let killChildren: (() => void) | undefined;
  process.on("exit", () => killChildren?.());
  try {
    // OpenCode's server starts before the rest of the app's code is even loaded (≈ 1 s of this process's CPU).
    const { startOpencodeFirst } = await import("./opencode-first.js");
    const opencode = await startOpencodeFirst(config, root, { lastResort: (killNow) => (killChildren = killNow) });
    const { startApp } = await import("./app.js");
    app = await startApp(config, root, { signal: starting.signal, opencode });
  } catch (err) {
    if (starting.signal.aborted) process.exit(0);
    const busy = portInUse(err, config.env);
    if (busy) console.error(`bobb: ${busy}`);
    else if (logFile) console.error(`bobb: start-up failed: ${root.secrets.scrub((err as Error).message)} (details in ${logFile})`);
    root.logger.fatal({ err }, `start-up failed: ${(err as Error).message}`);
    process.exit(1);
  }
  if (terminal) {
    console.log(startupBanner(bannerInput(config, app, logFile)));
    return;
  }
  printSandboxUrl(app.discord.sandbox?.url);
}

/** Where log lines go: the file plus warnings on the terminal, or the default (stdout; pretty on a TTY). */
function loggerOutputs(logFile: string | undefined): Pick<LoggerOptions, "sinks"> {
  if (!logFile) return {};
  return { sinks: [{ stream: logFileStream(logFile) }, { stream: process.stderr, pretty: true, minLevel: 40 }] };
}

/** Without a TTY: the same line `npm run sandbox` prints, then what to do with it (scripts wait for these). */
function printSandboxUrl(url: string | undefined): void {
  if (!url) return;
  console.log(`sandbox listening on ${url}`);
  console.log(`open ${url} in your browser to chat with BoBB (Developer Portal: ${url}/portal)`);
}

/** A newcomer's most likely start-up failure (BoBB already running), named by the variable that moves it. */
function portInUse(err: unknown, env: Env): string | undefined {
  const e = err as { code?: unknown; port?: unknown };
  if (e.code !== "EADDRINUSE" || typeof e.port !== "number") return undefined;
  const names = (["SANDBOX_PORT", "BOBB_API_PORT", "BOBB_OPENCODE_PORT", "BOBB_ROOMS_PORT"] as const).filter((name) => env[name] === e.port);
  const variable = names.length > 0 ? names.join("/") : "a port variable";
  return `port ${e.port} is already in use (is BoBB already running?). Stop the other process, or set ${variable} to a free port.`;
}

void main();
