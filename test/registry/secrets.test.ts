// registry.json holds bot tokens: a parse error names the place (line, column), never the text
// around it, wherever it goes (the log, the API's error, the model); and the file is made 0600
// as soon as it is opened, not only when it is next written.
import { chmod, readFile, stat, writeFile } from "node:fs/promises";
import { once } from "node:events";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RegistryStore, parseRegistry } from "../../src/registry/index.js";
import { captureLogs } from "../helpers/logs.js";
import { tempDir } from "../helpers/temp.js";

// Shaped like a Discord bot token (base64 id . timestamp . hmac), made up.
const TOKEN = "MTQ0NDU1NTY2Njc3Nzg4ODk5OQ.GhIjKl.mnopQRSTuvwxYZ0123456789abcdEFGHijklmn";

/** Fails when any 5 characters in a row of the token appear in `text`. */
function expectNoPartOfToken(text: string): void {
  for (let i = 0; i + 5 <= TOKEN.length; i++) {
    const piece = TOKEN.slice(i, i + 5);
    if (text.includes(piece)) throw new Error(`"${piece}" of the token appears in: ${text}`);
  }
}

const agent = (token: string) =>
  `{ "id": "chef", "name": "Chef", "persona": "p", "port": 5000, "status": "active", "token": ${token}, "created_at": "2026-01-01T00:00:00.000Z" }`;
const registryWith = (token: string) => `{\n  "agents": {\n    "chef": ${agent(token)}\n  },\n  "next_port": 5001\n}\n`;

// Syntax errors right next to the token, each with the line and column where JSON.parse gives up.
const BROKEN: [label: string, text: string, line: number, column: number][] = [
  ["unquoted token", registryWith(TOKEN), 3, 104],
  ["junk after the token", registryWith(`"${TOKEN}" x`), 3, 179],
  ["missing comma after the token", registryWith(`"${TOKEN}" "created_at": 1`), 3, 179],
  ["token with a raw newline", registryWith(`"${TOKEN.slice(0, 30)}\n${TOKEN.slice(30)}"`), 3, 135],
  ["truncated file", registryWith(`"${TOKEN}"`).slice(0, 120), 3, 105],
  ["bad escape in the token", registryWith(`"${TOKEN.slice(0, 20)}\\q${TOKEN.slice(20)}"`), 3, 126],
];

describe("registry parse errors", () => {
  it.each(BROKEN)("%s: names line and column, shows no part of the token", (_label, text, line, column) => {
    expect(() => JSON.parse(text)).toThrow();
    const parsed = parseRegistry(text);
    expect(parsed.ok).toBe(false);
    const error = parsed.ok ? "" : parsed.error;
    expectNoPartOfToken(error);
    expect(error).toContain(`line ${line}, column ${column}`);
  });

  it("a schema error names the field, not its value", () => {
    const parsed = parseRegistry(registryWith(`{ "secret": "${TOKEN}" }`));
    expect(parsed.ok).toBe(false);
    const error = parsed.ok ? "" : parsed.error;
    expect(error).toContain("agents.chef.token");
    expectNoPartOfToken(error);
  });
});

describe("registry store with a token in the file", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let store: RegistryStore;
  let logs: string[];
  let file: string;

  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
    const root = captureLogs();
    logs = root.lines;
    file = path.join(dir, "registry.json");
    store = new RegistryStore({ file, firstPort: 5000, logger: root.logger, watch: false });
  });
  afterEach(async () => {
    await store.close();
    await cleanup();
  });

  it("makes a 0644 registry.json 0600 when it opens it, leaving the content as it was", async () => {
    const text = registryWith(`"${TOKEN}"`);
    await writeFile(file, text, { mode: 0o644 });
    await chmod(file, 0o644);
    await store.open();
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readFile(file, "utf8")).toBe(text);
    expect(store.snapshot.agents["chef"]?.token).toBe(TOKEN);
  });

  it("makes a broken 0644 registry.json 0600 too, and neither the log nor a refused write shows the token", async () => {
    const text = registryWith(`"${TOKEN}" x`);
    await writeFile(file, text, { mode: 0o644 });
    await chmod(file, 0o644);
    const invalid = once(store, "invalid");
    await store.open();
    const [error] = (await invalid) as [string];
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readFile(file, "utf8")).toBe(text);
    expectNoPartOfToken(error);
    expect(error).toContain("line 3, column 179");
    const refused = await store
      .update(() => undefined)
      .then(
        () => "",
        (err: Error) => err.message,
      );
    expect(refused).toContain("line 3, column 179");
    expectNoPartOfToken(refused);
    expect(logs.join("\n")).toContain("line 3, column 179");
    expectNoPartOfToken(logs.join("\n"));
  });
});
