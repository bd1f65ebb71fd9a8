import { ConfigError, loadConfig, readEnvironment, type Env } from "./config/index.js";
import { createLogger } from "./log/index.js";
import { startApp } from "./app.js";

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
  const root = createLogger({ level: config.env.LOG_LEVEL });
  for (const secret of [config.env.BOBB_DISCORD_TOKEN, config.env.ANTHROPIC_API_KEY, config.env.BOBB_API_KEY, config.env.BOBB_MODEL_API_KEY]) {
    root.secrets.add(secret);
  }
  // Signals are handled from the first moment: a stop during start-up still closes every child process.
  const starting = new AbortController();
  let closing: Promise<void> | undefined;
  let app: Awaited<ReturnType<typeof startApp>> | undefined;
  const shutdown = (signal: string) => {
    if (closing) return;
    root.logger.info(`${signal} received; shutting down`);
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
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  // Last resort when the process exits without close(): no OpenCode server may outlive it.
  let killChildren = () => undefined as void;
  process.on("exit", () => killChildren());
  try {
    app = await startApp(config, root, { signal: starting.signal, lastResort: (killNow) => (killChildren = killNow) });
  } catch (err) {
    if (starting.signal.aborted) process.exit(0);
    const busy = portInUse(err, config.env);
    if (busy) console.error(`bobb: ${busy}`);
    root.logger.fatal({ err }, `start-up failed: ${(err as Error).message}`);
    process.exit(1);
  }
  const sandbox = app.discord.sandbox;
  if (sandbox) {
    // The same line `npm run sandbox` prints, then what to do with it.
    console.log(`sandbox listening on ${sandbox.url}`);
    console.log(`open ${sandbox.url} in your browser to chat with BoBB (Developer Portal: ${sandbox.url}/portal)`);
  }
}

/** A newcomer's most likely start-up failure (BoBB already running), named by the variable that moves it. */
function portInUse(err: unknown, env: Env): string | undefined {
  const e = err as { code?: unknown; port?: unknown };
  if (e.code !== "EADDRINUSE" || typeof e.port !== "number") return undefined;
  const names = (["SANDBOX_PORT", "BOBB_API_PORT", "BOBB_OPENCODE_PORT"] as const).filter((name) => env[name] === e.port);
  const variable = names.length > 0 ? names.join("/") : "a port variable";
  return `port ${e.port} is already in use (is BoBB already running?). Stop the other process, or set ${variable} to a free port.`;
}

void main();
