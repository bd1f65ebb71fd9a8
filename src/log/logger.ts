import pino, { type Logger, type DestinationStream } from "pino";
import pretty from "pino-pretty";
import { SecretSet } from "./redact.js";

export type { Logger } from "pino";

/** Keys whose values are always censored, at any depth up to three levels. */
const SECRET_KEYS = ["token", "authorization", "password", "apiKey", "api_key", "key", "secret", "cookie"];
const REDACT_PATHS = SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `headers.${k}`, `req.headers.${k}`]);

export interface LoggerOptions {
  level?: string;
  /** Where lines go; defaults to stdout. Tests pass a capturing stream. */
  destination?: { write(line: string): unknown };
  /** Pretty output; defaults to whether stdout is a TTY. */
  pretty?: boolean;
  secrets?: SecretSet;
}

export interface RootLogger {
  logger: Logger;
  secrets: SecretSet;
}

/** Builds the one root logger: key redaction plus value scrubbing of every serialized line. */
export function createLogger(options: LoggerOptions = {}): RootLogger {
  const secrets = options.secrets ?? new SecretSet();
  const target = options.destination ?? process.stdout;
  const usePretty = options.pretty ?? (options.destination === undefined && process.stdout.isTTY === true);
  const sink: { write(line: string): unknown } = usePretty
    ? pretty({ destination: target as NodeJS.WritableStream & { write(s: string): boolean }, sync: true, colorize: true })
    : target;
  // Scrub the serialized line, so a secret inside any field, message or stack is caught.
  const scrubbing: DestinationStream = { write: (line: string) => sink.write(secrets.scrub(line)) };
  const logger = pino(
    {
      level: options.level ?? "info",
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
      base: null,
    },
    scrubbing,
  );
  return { logger, secrets };
}
