import pino, { type Logger, type DestinationStream } from "pino";
import pretty from "pino-pretty";
import { SecretSet } from "./redact.js";

export type { Logger } from "pino";

/** Keys whose values are always censored, at any depth up to three levels. */
const SECRET_KEYS = ["token", "authorization", "password", "apiKey", "api_key", "key", "secret", "cookie"];
const REDACT_PATHS = SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `headers.${k}`, `req.headers.${k}`]);

/** One output of the root logger: every line at or above `minLevel` (a pino level number). */
export interface LogSink {
  /** A real stream (process.stdout, a file) when `pretty`. */
  stream: { write(line: string): unknown };
  /** Lowest level written here, e.g. 40 for warn; defaults to every line. */
  minLevel?: number;
  /** Human-readable lines instead of JSON. */
  pretty?: boolean;
}

export interface LoggerOptions {
  level?: string;
  /** Where lines go; defaults to stdout. Tests pass a capturing stream. */
  destination?: { write(line: string): unknown };
  /** Pretty output; defaults to whether stdout is a TTY. */
  pretty?: boolean;
  secrets?: SecretSet;
  /** Several outputs, each with its own lowest level; replaces `destination` and `pretty`. */
  sinks?: LogSink[];
}

export interface RootLogger {
  logger: Logger;
  secrets: SecretSet;
}

/** Builds the one root logger: key redaction plus value scrubbing of every serialized line. */
export function createLogger(options: LoggerOptions = {}): RootLogger {
  const secrets = options.secrets ?? new SecretSet();
  const sinks = (options.sinks ?? [defaultSink(options)]).map((s) => ({ minLevel: s.minLevel ?? 0, out: s.pretty ? prettyTo(s.stream) : s.stream }));
  // Scrub the serialized line, so a secret inside any field, message or stack is caught.
  const scrubbing: DestinationStream = {
    write: (line: string) => {
      const clean = secrets.scrub(line);
      const level = sinks.some((s) => s.minLevel > 0) ? levelOf(clean) : 0;
      for (const sink of sinks) if (level >= sink.minLevel) sink.out.write(clean);
    },
  };
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

/** Stdout (pretty on a TTY), or the caller's destination. */
function defaultSink(options: LoggerOptions): LogSink {
  return { stream: options.destination ?? process.stdout, pretty: options.pretty ?? (options.destination === undefined && process.stdout.isTTY === true) };
}

function prettyTo(stream: { write(line: string): unknown }): { write(line: string): unknown } {
  return pretty({ destination: stream as NodeJS.WritableStream & { write(s: string): boolean }, sync: true, colorize: true });
}

/** The pino level number at the start of a serialized line. */
function levelOf(line: string): number {
  const match = /"level":(\d+)/.exec(line);
  return match ? Number(match[1]) : 0;
}

/** A log file the lines are appended to (created with its directory, mode 0600), written synchronously so none is lost at exit. */
export function logFileStream(file: string): { write(line: string): unknown } {
  return pino.destination({ dest: file, mkdir: true, append: true, sync: true, mode: 0o600 });
}
