import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type pg from "pg";

const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "migrations");
/** Held for the migration's transaction: two hosts starting at once migrate one after the other. */
const MIGRATION_LOCK = 0x626f6262; // "bobb"

/** The numbered SQL files (001_name.sql …), in order. */
export async function migrationFiles(dir = MIGRATIONS_DIR): Promise<Array<{ version: number; name: string; file: string }>> {
  const names = (await readdir(dir)).filter((n) => /^\d{3}_[\w-]+\.sql$/.test(n)).sort();
  return names.map((name) => ({ version: Number(name.slice(0, 3)), name, file: path.join(dir, name) }));
}

/**
 * Applies every migration not yet in `schema_migrations`, all in one transaction: a failed
 * file leaves the schema as it was. Returns the names applied now.
 */
export async function migrate(pool: pg.Pool, dir = MIGRATIONS_DIR): Promise<string[]> {
  const files = await migrationFiles(dir);
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
    await client.query(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
    );
    const done = new Set((await client.query<{ version: number }>("SELECT version FROM schema_migrations")).rows.map((r) => r.version));
    const applied: string[] = [];
    for (const m of files) {
      if (done.has(m.version)) continue;
      await client.query(await readFile(m.file, "utf8"));
      await client.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [m.version, m.name]);
      applied.push(m.name);
    }
    await client.query("COMMIT");
    return applied;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
