import { createLogger, type RootLogger } from "../../src/log/index.js";

/** A root logger whose lines are kept in memory, for assertions over everything logged. */
export function captureLogs(level = "debug"): RootLogger & { lines: string[] } {
  const lines: string[] = [];
  const root = createLogger({ level, pretty: false, destination: { write: (line: string) => lines.push(line) } });
  return { ...root, lines };
}
