import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";

/** Writes a file atomically (temp file + rename); returns false when the content was already there. */
export async function writeIfChanged(file: string, content: string, mode = 0o644): Promise<boolean> {
  const existing = await readFile(file, "utf8").catch(() => undefined);
  if (existing === content) return false;
  await writeAtomic(file, content, mode);
  return true;
}

/** Writes a file atomically (temp file + rename). */
export async function writeAtomic(file: string, content: string, mode = 0o644): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    await writeFile(temp, content, { mode });
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** Reads and parses a JSON file; undefined when it does not exist. */
export async function readJson(file: string): Promise<unknown> {
  const text = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw error;
  });
  return text === undefined ? undefined : (JSON.parse(text) as unknown);
}
