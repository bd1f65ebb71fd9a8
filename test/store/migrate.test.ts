import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { migrate, migrationFiles } from "../../src/store/pg/migrate.js";
import { postgresOrSkip } from "../helpers/postgres.js";
import { tempDir } from "../helpers/temp.js";

const { pg: server, skip } = await postgresOrSkip();
if (skip) console.warn(skip);
afterAll(() => server?.stop());

describe.skipIf(!server)("PostgreSQL migrations", () => {
  it("applies the numbered files once, in order, recorded in schema_migrations", async () => {
    const pool = new pg.Pool({ connectionString: await server!.createDatabase("m1") });
    try {
      const names = (await migrationFiles()).map((m) => m.name);
      expect(names[0]).toBe("001_registry.sql");
      // Two hosts starting together: one applies, the other finds nothing left to do.
      const [a, b] = await Promise.all([migrate(pool), migrate(pool)]);
      expect([...a, ...b]).toEqual(names);
      expect(await migrate(pool)).toEqual([]);
      const rows = (await pool.query("SELECT version, name FROM schema_migrations ORDER BY version")).rows;
      expect(rows.map((r: { name: string }) => r.name)).toEqual(names);
    } finally {
      await pool.end();
    }
  });

  it("a failing migration leaves nothing applied", async () => {
    const pool = new pg.Pool({ connectionString: await server!.createDatabase("m2") });
    const { dir, cleanup } = await tempDir();
    try {
      await mkdir(dir, { recursive: true });
      await writeFile(path.join(dir, "001_good.sql"), "CREATE TABLE good (id int);");
      await writeFile(path.join(dir, "002_bad.sql"), "CREATE TABLE broken (id nosuchtype);");
      await expect(migrate(pool, dir)).rejects.toThrow(/nosuchtype/);
      const tables = (await pool.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).rows;
      expect(tables).toEqual([]);
    } finally {
      await pool.end();
      await cleanup();
    }
  });
});
