import { execFile } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { chown, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import getPort from "get-port";

const run = promisify(execFile);

/** A throwaway PostgreSQL server: its own data dir, port and unix socket in a temp dir. */
export interface TestPostgres {
  /** postgresql:// URL of a fresh database on it (over the unix socket in the temp dir). */
  readonly url: string;
  /** Another fresh, empty database on the same server. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

/** Debian's server binaries (initdb, pg_ctl, postgres), newest version first; undefined when none. */
export function postgresBin(): string | undefined {
  const base = "/usr/lib/postgresql";
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base)
    .filter((v) => existsSync(path.join(base, v, "bin", "pg_ctl")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(base, versions[0], "bin") : undefined;
}

/** The server refuses to run as root: as root, every server command runs as `nobody`. */
const asServerUser = (cmd: string, args: string[]): [string, string[]] =>
  process.getuid?.() === 0 ? ["setpriv", ["--reuid=nobody", "--regid=nogroup", "--clear-groups", "--", cmd, ...args]] : [cmd, args];

async function server(cmd: string, args: string[]): Promise<string> {
  const [file, argv] = asServerUser(cmd, args);
  try {
    return (await run(file, argv, { timeout: 60_000 })).stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`${path.basename(cmd)} failed: ${e.stderr?.trim() || e.message}`, { cause: err });
  }
}

/** Starts a PostgreSQL server (initdb + pg_ctl start, waits until it accepts connections) with one database. */
export async function startPostgres(database = "bobb_test"): Promise<TestPostgres> {
  const bin = postgresBin();
  if (!bin) throw new Error("no PostgreSQL server binaries under /usr/lib/postgresql (apt-get install -y postgresql)");
  const dir = await mkdtemp(path.join(tmpdir(), "bobb-pg-"));
  const data = path.join(dir, "data");
  const user = "bobb";
  let started = false;
  const stop = async () => {
    if (started) await server(path.join(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"]).catch(() => undefined);
    started = false;
    await rm(dir, { recursive: true, force: true });
  };
  try {
    if (process.getuid?.() === 0) await chown(dir, 65534, 65534);
    await server(path.join(bin, "initdb"), ["-D", data, "-U", user, "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"]);
    const port = await getPort();
    // Unix socket only, in the temp dir: nothing listens on the network.
    const opts = `-p ${port} -k ${dir} -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
    await server(path.join(bin, "pg_ctl"), ["-D", data, "-l", path.join(dir, "log"), "-o", opts, "-w", "-t", "60", "start"]);
    started = true;
    const urlOf = (db: string) => `postgresql://${user}@localhost:${port}/${db}?host=${encodeURIComponent(dir)}`;
    const createDatabase = async (name: string) => {
      await server(path.join(bin, "createdb"), ["-h", dir, "-p", String(port), "-U", user, name]);
      return urlOf(name);
    };
    return { url: await createDatabase(database), createDatabase, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * For a test file: a server if one can be started. Outside CI, when none can be, `skip` says why
 * (tests then skip with that message); in CI (process.env.CI set) the failure is thrown instead.
 */
export async function postgresOrSkip(database?: string): Promise<{ pg?: TestPostgres; skip?: string }> {
  try {
    return { pg: await startPostgres(database) };
  } catch (err) {
    if (process.env.CI) throw err;
    return { skip: `PostgreSQL tests skipped: no PostgreSQL server could be started (${(err as Error).message})` };
  }
}
