import { EventEmitter } from "node:events";
import PQueue from "p-queue";
import pg from "pg";
import type { Logger } from "../../log/index.js";
import {
  diffRegistries,
  emptyRegistry,
  parseRegistry,
  RegistryError,
  serializeRegistry,
  type ChangeOrigin,
  type Registry,
  type RegistryEvents,
  type RegistryHealth,
  type RegistryPort,
  type UpdateOptions,
} from "../../registry/index.js";
import { fenceCondition, LeaseLostError } from "./fence.js";
import { migrate } from "./migrate.js";

/** The channel every host listens on; the payload is the registry's new version. */
export const REGISTRY_CHANNEL = "bobb_registry";

export interface PgRegistryStoreOptions {
  /** postgresql:// URL (BOBB_DATABASE_URL). */
  url: string;
  /** next_port of a registry created empty. */
  firstPort: number;
  logger: Logger;
  /** LISTEN for other hosts' changes (off in short-lived tools). */
  listen?: boolean;
}

type Row = { version: string; next_port: number; extra: Record<string, unknown>; agents: Record<string, unknown> };

/** The URL as logs may show it: no password. */
export function redactedUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "postgresql://(unparsable URL)";
  }
}

/**
 * The registry in PostgreSQL, for several hosts sharing one fleet: one JSONB document per agent,
 * one settings row whose version is the compare-and-swap counter. `update` runs in a transaction
 * holding that row FOR UPDATE, so writers on every host take turns and each builds on the latest
 * state; a change is announced with NOTIFY and every other host re-reads it.
 */
export class PgRegistryStore extends EventEmitter<RegistryEvents> implements RegistryPort {
  readonly location: string;
  #state: Registry;
  /** The registry_meta version #state was read at ("" before the first read). */
  #version = "";
  #health: RegistryHealth = { ok: true };
  readonly #queue = new PQueue({ concurrency: 1 });
  #syncQueued = false;
  #pool: pg.Pool | undefined;
  #listener: pg.Client | undefined;
  readonly #options: PgRegistryStoreOptions;
  readonly #log: Logger;

  constructor(options: PgRegistryStoreOptions) {
    super();
    this.#options = options;
    this.location = redactedUrl(options.url);
    this.#state = emptyRegistry(options.firstPort);
    this.#log = options.logger.child({ component: "registry" });
  }

  get snapshot(): Readonly<Registry> {
    return this.#state;
  }

  get health(): RegistryHealth {
    return this.#health;
  }

  /** Migrates the schema, creates the registry row if missing, reads it and starts listening. */
  async open(): Promise<void> {
    const pool = new pg.Pool({ connectionString: this.#options.url, max: 4 });
    pool.on("error", (err) => this.#log.warn({ err }, "idle PostgreSQL connection failed"));
    this.#pool = pool;
    await migrate(pool);
    await pool.query("INSERT INTO registry_meta (id, version, next_port) VALUES (1, 0, $1) ON CONFLICT (id) DO NOTHING", [this.#options.firstPort]);
    if (this.#options.listen !== false) {
      const listener = new pg.Client({ connectionString: this.#options.url });
      listener.on("error", (err) => this.#unhealthy(`lost the PostgreSQL connection that listens for changes: ${err.message}`));
      listener.on("notification", (n) => {
        if (n.channel === REGISTRY_CHANNEL && n.payload !== this.#version) this.#queueSync();
      });
      await listener.connect();
      await listener.query(`LISTEN ${REGISTRY_CHANNEL}`);
      this.#listener = listener;
    }
    await this.reload();
  }

  async checkHealth(): Promise<RegistryHealth> {
    try {
      await this.#db().query("SELECT 1");
      if (this.#listener) await this.reload();
      else this.#markHealthy();
    } catch (err) {
      this.#unhealthy(`PostgreSQL is unreachable: ${(err as Error).message}`);
    }
    return this.#health;
  }

  update<T>(fn: (draft: Registry) => T | Promise<T>, options: UpdateOptions = {}): Promise<T> {
    return this.#serialize(async () => {
      const client = await this.#db().connect();
      try {
        await client.query("BEGIN");
        const meta = await client.query<Omit<Row, "agents">>("SELECT version::text, next_port, extra FROM registry_meta WHERE id = 1 FOR UPDATE");
        const agents = await client.query<{ id: string; doc: unknown }>("SELECT id, doc FROM agents");
        const base = this.#parse({ ...meta.rows[0]!, agents: Object.fromEntries(agents.rows.map((r) => [r.id, r.doc])) });
        const draft = structuredClone(base);
        const result = await fn(draft);
        const valid = parseRegistry(serializeRegistry(draft));
        if (!valid.ok) throw new RegistryError("INVALID_AGENT", `the change would make the registry invalid: ${valid.error}`);
        const next = valid.value;
        for (const change of diffRegistries(base, next)) {
          if (change.type === "removed") await client.query("DELETE FROM agents WHERE id = $1", [change.id]);
          else
            await client.query(
              `INSERT INTO agents (id, doc, version) VALUES ($1, $2, 1)
               ON CONFLICT (id) DO UPDATE SET doc = EXCLUDED.doc, version = agents.version + 1, updated_at = now()`,
              [change.id, change.agent],
            );
        }
        // A stale host (its lease expired or taken over) writes nothing: checked in the same transaction.
        const fence = options.fence;
        if (fence) {
          const held = await client.query<{ ok: boolean }>(`SELECT ${fenceCondition(1, 2, 3)} AS ok`, [fence.agentId, fence.nodeId, fence.generation]);
          if (!held.rows[0]?.ok) throw new LeaseLostError(fence.agentId, { nodeId: fence.nodeId, generation: fence.generation });
        }
        const { agents: _agents, next_port, ...extra } = next;
        const bumped = await client.query<{ version: string }>(
          "UPDATE registry_meta SET version = version + 1, next_port = $1, extra = $2 WHERE id = 1 RETURNING version::text",
          [next_port, extra],
        );
        const version = bumped.rows[0]!.version;
        // Delivered to every listener when the transaction commits, never before.
        await client.query("SELECT pg_notify($1, $2)", [REGISTRY_CHANNEL, version]);
        await client.query("COMMIT");
        // What other hosts wrote before us is theirs ("file"); our own change on top of it is "api".
        if (meta.rows[0]!.version !== this.#version) this.#apply(base, meta.rows[0]!.version, "file");
        this.#apply(next, version, "api");
        this.#markHealthy();
        return result;
      } catch (err) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    });
  }

  reload(): Promise<void> {
    return this.#serialize(() => this.#sync());
  }

  async close(): Promise<void> {
    await this.#queue.onIdle();
    const listener = this.#listener;
    const pool = this.#pool;
    this.#listener = undefined;
    this.#pool = undefined;
    await listener?.end().catch(() => undefined);
    await pool?.end().catch(() => undefined);
  }

  #db(): pg.Pool {
    if (!this.#pool) throw new RegistryError("REGISTRY_INVALID", "the PostgreSQL registry is not open");
    return this.#pool;
  }

  #serialize<T>(task: () => Promise<T>): Promise<T> {
    return this.#queue.add(task);
  }

  /** One re-read queued at a time: a burst of notifications needs only one look. */
  #queueSync(): void {
    if (this.#syncQueued) return;
    this.#syncQueued = true;
    void this.#serialize(() => {
      this.#syncQueued = false;
      return this.#sync();
    }).catch((err: unknown) => this.#log.warn({ err }, "could not re-read the registry from PostgreSQL"));
  }

  /** Reads the registry in one statement (one consistent snapshot) and applies it if its version moved. */
  async #sync(): Promise<void> {
    const { rows } = await this.#db().query<Row>(
      `SELECT m.version::text, m.next_port, m.extra,
              COALESCE((SELECT jsonb_object_agg(a.id, a.doc) FROM agents a), '{}'::jsonb) AS agents
         FROM registry_meta m WHERE m.id = 1`,
    );
    const row = rows[0];
    if (!row) throw new RegistryError("REGISTRY_INVALID", "registry_meta has no row; the schema was not set up");
    if (row.version !== this.#version) this.#apply(this.#parse(row), row.version, "file");
    this.#markHealthy();
  }

  #parse(row: Row): Registry {
    const parsed = parseRegistry(JSON.stringify({ ...row.extra, agents: row.agents, next_port: row.next_port }));
    if (!parsed.ok) {
      this.#unhealthy(`the registry in PostgreSQL is invalid: ${parsed.error}`);
      throw new RegistryError("REGISTRY_INVALID", `the registry in PostgreSQL is invalid and was left untouched: ${parsed.error}`);
    }
    return parsed.value;
  }

  #apply(next: Registry, version: string, origin: ChangeOrigin): void {
    const before = this.#state;
    this.#state = next;
    this.#version = version;
    for (const change of diffRegistries(before, next)) this.emit("change", change, origin);
  }

  #unhealthy(error: string): void {
    if (!this.#health.ok && this.#health.error === error) return;
    this.#log.error(error);
    this.#health = { ok: false, error };
    this.emit("invalid", error);
  }

  #markHealthy(): void {
    if (this.#health.ok) return;
    this.#health = { ok: true };
    this.#log.info("registry is reachable and valid again");
    this.emit("recovered");
  }
}
