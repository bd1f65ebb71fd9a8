import { readFile } from "node:fs/promises";
import { writeFileAtomic } from "../fs/atomic-write.js";

/** Writes a file atomically (see writeFileAtomic); returns false when the content was already there. */
export async function writeIfChanged(file: string, content: string, mode = 0o644): Promise<boolean> {
  const existing = await readFile(file, "utf8").catch(() => undefined);
  if (existing === content) return false;
  await writeFileAtomic(file, content, mode);
  return true;
}

/** Reads and parses a JSON file; undefined when it does not exist. */
export async function readJson(file: string): Promise<unknown> {
  const text = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw error;
  });
  return text === undefined ? undefined : (JSON.parse(text) as unknown);
}
