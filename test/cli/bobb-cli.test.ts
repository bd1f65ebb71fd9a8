import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { promisify } from "node:util";
import getPort from "get-port";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureAdminKey } from "../../src/api/index.js";
import { runCli } from "../../src/cli/main.js";
import { REPO_ROOT, startApiHarness, type ApiHarness } from "../helpers/api.js";
import { tempDir } from "../helpers/temp.js";

const run = promisify(execFile);
const TOKEN = "MTAwMDAwMDAwMDAwMDAwMDAx.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456789AB";

/** The real tool API (real registry in a temp dir, real Fastify on a loopback port) and the CLI against it. */
describe("bobb command line against the real tool API", () => {
  let api: ApiHarness;
  let url: string;
  let work: { dir: string; cleanup(): Promise<void> };
  let env: Record<string, string>;

  const cli = async (args: string[], extraEnv: Record<string, string | undefined> = {}) => {
    let out = "";
    let err = "";
    const code = await runCli(args, { out: (t) => void (out += t), err: (t) => void (err += t), env: { ...env, ...extraEnv }, cwd: work.dir });
    return { code, out, err };
  };

  beforeAll(async () => {
    api = await startApiHarness();
    await api.app.listen({ host: "127.0.0.1", port: 0 });
    url = `http://127.0.0.1:${(api.app.server.address() as AddressInfo).port}`;
    work = await tempDir();
    // The key file the supervisor writes in its data dir, registered as the operator's key.
    const admin = await ensureAdminKey(path.join(work.dir, "data"), undefined);
    api.keys.register(admin.key, "admin", "admin");
    env = { BOBB_API_URL: url };
    await api.registry.update((draft) => {
      draft.agents.chef = {
        id: "chef",
        name: "Chef",
        persona: "You cook pasta.",
        port: 4200,
        status: "active",
        token: TOKEN,
        created_at: "2026-01-01T00:00:00.000Z",
      };
      draft.agents.poet = { id: "poet", name: "Poet", persona: "You rhyme.", port: 4201, status: "pending_token", created_at: "2026-01-01T00:00:00.000Z" };
    });
  });

  afterAll(async () => {
    await api?.close();
    await work?.cleanup();
  });

  it("lists and shows agents with the key from the data dir's key file, and never prints a token", async () => {
    const listed = await cli(["list"]);
    expect(listed).toMatchObject({ code: 0, err: "" });
    expect(listed.out.split("\n")[0]).toMatch(/^ID\s+NAME\s+STATUS\s+TOKEN\s+PORT$/);
    expect(listed.out).toMatch(/chef\s+Chef\s+active\s+set\s+4200/);
    expect(listed.out).toMatch(/poet\s+Poet\s+pending_token\s+none\s+4201/);
    const shown = await cli(["show", "chef"]);
    expect(shown.code).toBe(0);
    expect(shown.out).toContain("name: Chef\n");
    expect(shown.out).toContain("token: set\n");
    expect(shown.out).toContain("persona:\n  You cook pasta.\n");
    const json = await cli(["show", "chef", "--json"]);
    expect(JSON.parse(json.out)).toMatchObject({ id: "chef", has_token: true });
    for (const out of [listed.out, shown.out, json.out, (await cli(["list", "--json"])).out]) {
      expect(out).not.toContain(TOKEN);
      expect(out).not.toContain(TOKEN.split(".")[2]);
    }
  });

  it("edits the name and the persona (text or file), then disables and enables through the API", async () => {
    const file = path.join(work.dir, "persona.md");
    await writeFile(file, "You cook risotto, slowly.\n");
    expect(await cli(["edit", "chef", "--name", "Chef Luigi", "--persona-file", "persona.md"])).toMatchObject({ code: 0 });
    expect(api.registry.snapshot.agents.chef).toMatchObject({ name: "Chef Luigi", persona: "You cook risotto, slowly." });
    expect((await cli(["edit", "poet", "--persona", "You write haiku."])).code).toBe(0);
    expect(api.registry.snapshot.agents.poet?.persona).toBe("You write haiku.");

    const off = await cli(["disable", "chef"]);
    expect(off).toMatchObject({ code: 0, out: "chef disabled (status disabled)\n" });
    expect(api.registry.snapshot.agents.chef?.status).toBe("disabled");
    expect((await cli(["disable", "chef"])).out).toContain("already disabled");
    expect((await cli(["enable", "chef"])).out).toBe("chef enabled (status ready_to_start)\n");
    // The API's own rule, passed on: an agent without a token only waits for one.
    const tokenless = await cli(["disable", "poet"]);
    expect(tokenless.code).toBe(1);
    expect(tokenless.err).toContain("an agent without a token can only be pending_token");
    expect((await cli(["enable", "poet"])).out).toBe("poet is already enabled (status pending_token)\n");
    expect(api.registry.snapshot.agents.chef?.token).toBe(TOKEN);
  });

  it("says clearly what was wrong: unknown agent, refused input, bad flags, wrong key, API not reachable", async () => {
    expect(await cli(["show", "nobody"])).toMatchObject({ code: 1, err: 'bobb: no agent with id "nobody" (bobb list shows the ids)\n' });
    expect((await cli(["disable", "nobody"])).err).toContain('no agent with id "nobody"');
    const refused = await cli(["edit", "chef", "--name", ""]);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/name/);
    expect(await cli(["edit", "chef"])).toMatchObject({ code: 2, err: "bobb: nothing to change: give --name, --persona or --persona-file\n" });
    expect((await cli(["edit", "chef", "--persona", "a", "--persona-file", "b"])).err).toContain("either --persona or --persona-file");
    expect((await cli(["edit", "chef", "--persona-file", "missing.md"])).err).toContain("cannot read the persona file");
    expect(await cli(["list", "--colour"])).toMatchObject({ code: 2 });
    expect((await cli(["list", "--colour"])).err).toContain("Unknown option '--colour'");
    expect((await cli(["frobnicate"])).err).toContain('unknown command "frobnicate"');
    expect((await cli(["show"])).err).toContain("bobb show needs an agent id");
    expect((await cli(["list", "extra"])).err).toContain('unexpected argument "extra"');
    expect((await cli(["list", "--name", "x"])).err).toContain("belong to bobb edit");
    const wrongKey = await cli(["list"], { BOBB_API_KEY: "not-the-admin-key-0123456789" });
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.err).toContain("the tool API refused the admin key from BOBB_API_KEY");
    expect(wrongKey.err).not.toContain("not-the-admin-key");
    const nowhere = `http://127.0.0.1:${await getPort()}`;
    const down = await cli(["list"], { BOBB_API_URL: nowhere });
    expect(down).toMatchObject({ code: 1 });
    expect(down.err).toContain(`the tool API at ${nowhere} is not reachable (ECONNREFUSED)`);
    const noKey = await cli(["list"], { BOBB_DATA_DIR: "elsewhere" });
    expect(noKey).toMatchObject({ code: 2 });
    expect(noKey.err).toContain("no admin key: set BOBB_API_KEY");
    expect((await cli(["--help"])).out).toContain("bobb edit <id>");
  });

  it("runs as the package's bin entry (npx bobb): output on stdout, errors on stderr with exit codes", async () => {
    const bin = path.join(REPO_ROOT, "bin", "bobb.mjs");
    const opts = { cwd: work.dir, env: { ...process.env, BOBB_API_URL: url, BOBB_API_KEY: "", BOBB_DATA_DIR: "" } };
    const listed = await run(process.execPath, [bin, "list"], opts);
    expect(listed.stdout).toMatch(/chef\s+Chef Luigi/);
    const failed = await run(process.execPath, [bin, "show", "nobody"], opts).then(
      () => undefined,
      (e: { code: number; stderr: string; stdout: string }) => e,
    );
    expect(failed).toMatchObject({ code: 1, stdout: "", stderr: 'bobb: no agent with id "nobody" (bobb list shows the ids)\n' });
  });
});
