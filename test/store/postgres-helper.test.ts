import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { postgresOrSkip } from "../helpers/postgres.js";

const { pg: server, skip } = await postgresOrSkip();
if (skip) console.warn(skip);
afterAll(() => server?.stop());

describe.skipIf(!server)("test PostgreSQL", () => {
  it("starts a real server that answers queries, and gives each caller a fresh database", async () => {
    const client = new pg.Client({ connectionString: server!.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ db: string; v: string }>("SELECT current_database() AS db, current_setting('server_version_num') AS v");
      expect(rows[0]?.db).toBe("bobb_test");
      expect(Number(rows[0]?.v)).toBeGreaterThan(100_000);
    } finally {
      await client.end();
    }
    const other = new pg.Client({ connectionString: await server!.createDatabase("other") });
    await other.connect();
    try {
      expect((await other.query("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'")).rows[0]).toEqual({ n: 0 });
    } finally {
      await other.end();
    }
  });
});
