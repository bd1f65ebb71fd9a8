import { ConfigError, loadConfig, readEnvironment } from "./config/index.js";
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
  const app = await startApp(config, root).catch((err: unknown) => {
    root.logger.fatal({ err }, `start-up failed: ${(err as Error).message}`);
    process.exit(1);
  });
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    root.logger.info(`${signal} received; shutting down`);
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        root.logger.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

void main();
