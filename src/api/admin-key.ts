import { mkdir, readFile, chmod } from "node:fs/promises";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { writeFileAtomic } from "../fs/atomic-write.js";

/**
 * The operator's key: BOBB_API_KEY when set, otherwise a fresh key written to
 * `<dataDir>/api-key` (mode 0600) so scripts can `cat` it.
 */
export async function ensureAdminKey(dataDir: string, fromEnv: string | undefined): Promise<{ key: string; file?: string }> {
  if (fromEnv) return { key: fromEnv };
  const file = path.join(dataDir, "api-key");
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const key = `bobb_admin_${randomBytes(24).toString("base64url")}`;
  await writeFileAtomic(file, key + "\n", 0o600);
  await chmod(file, 0o600);
  return { key: (await readFile(file, "utf8")).trim(), file };
}
