// `npm start` smoke test: the real start command, with nothing configured but temp paths and
// free ports, starts the embedded sandbox, the demo model, OpenCode and BoBB; SIGTERM ends it
// with exit code 0 and leaves no process behind.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/app.js";
import { TOKEN_PATTERN } from "../../src/log/index.js";
import { browserAvailability, launchBrowser } from "../helpers/browser.js";
import { descendants, stillRunning, type ProcId } from "../helpers/proc.js";
import { localEnv } from "../helpers/supervisor.js";
import { tempDir } from "../helpers/temp.js";
import { waitFor } from "../helpers/wait.js";

const START = "node --import tsx src/main.ts";
const availability = browserAvailability();

let child: ChildProcess;
let dir: string;
let cleanup: () => Promise<void>;
let output = "";
let url = "";
const seen = new Map<number, ProcId>();

/** Collects the start command's descendants while it runs (orphans would no longer point at it). */
function collect(): void {
  if (child.pid === undefined) return;
  for (const proc of descendants(child.pid)) seen.set(proc.pid, proc);
}

/** Resolves with the first match of `pattern` in the output so far or to come. */
function waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = pattern.exec(output);
      if (!match) return false;
      finish();
      resolve(match);
      return true;
    };
    const onExit = (code: number | null) => {
      finish();
      reject(new Error(`the start command exited (${code}) before printing ${pattern}:\n${output}`));
    };
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const finish = () => {
      clearTimeout(timer);
      child.stdout?.off("data", check);
      child.stderr?.off("data", check);
      child.off("exit", onExit);
    };
    if (check()) return;
    child.stdout?.on("data", check);
    child.stderr?.on("data", check);
    child.once("exit", onExit);
  });
}

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir("bobb-start-"));
  // What `npm start` runs is spawned directly, so the process tree is node → opencode servers.
  const scripts = (JSON.parse(readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
  expect(scripts["start"]).toBe(START);
  const env: Record<string, string> = {
    PATH: process.env["PATH"] ?? "/usr/bin:/bin",
    HOME: process.env["HOME"] ?? dir,
    ...(await localEnv(dir)),
    // Empty values win over a developer's .env in the repository: sandbox and demo model for sure.
    BOBB_DISCORD_TOKEN: "",
    ANTHROPIC_API_KEY: "",
    BOBB_MODEL_BASE_URL: "",
  };
  const [command, ...args] = START.split(" ");
  expect(command).toBe("node");
  child = spawn(process.execPath, args, { cwd: PROJECT_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  const line = await waitForOutput(/sandbox listening on (http:\/\/127\.0\.0\.1:(\d+))\n/, 90_000);
  url = line[1]!;
  expect(line[2]).toBe(env["SANDBOX_PORT"]);
  await waitForOutput(new RegExp(`open ${url.replace(/[.]/g, "\\.")} in your browser`), 5_000);
  collect();
}, 120_000);

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  for (const proc of seen.values()) if (stillRunning(proc)) process.kill(proc.pid, "SIGKILL");
  await cleanup?.();
});

describe("npm start with nothing configured", () => {
  it("serves the web chat with the demo-model banner", async () => {
    const page = await fetch(url);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("<title>BoBB Sandbox</title>");
    expect(html).toContain('aria-label="Message"');
    const config = (await (await fetch(`${url}/control/config`)).json()) as { banner?: string; human?: { username: string } };
    expect(config.banner).toContain("offline demo model");
    expect(config.human?.username).toBe("you");
  });

  it("BoBB answers a mention through the demo model", async () => {
    const guild = (
      (await (await fetch(`${url}/portal/guilds`)).json()) as {
        channels: { id: string; name: string }[];
        members: { id: string; username: string; bot: boolean; online: boolean }[];
      }[]
    )[0]!;
    const general = guild.channels.find((c) => c.name === "general")!.id;
    const bobb = guild.members.find((m) => m.username === "BoBB")!;
    const human = guild.members.find((m) => !m.bot)!;
    expect(bobb.online).toBe(true);
    await fetch(`${url}/control/channels/${general}/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ author_id: human.id, content: `<@${bobb.id}> hello` }),
    });
    const reply = await waitFor(
      async () =>
        ((await (await fetch(`${url}/control/channels/${general}/messages`)).json()) as { content: string; author: { id: string } }[]).find(
          (m) => m.author.id === bobb.id,
        ),
      30_000,
      "BoBB's reply",
    );
    expect(reply.content).toContain("(demo model)");
    collect();
  }, 40_000);

  it.skipIf(!availability.path)(
    "the page in a browser is the chat",
    async () => {
      const browser = await launchBrowser(availability.path ? { executablePath: availability.path } : {});
      if (!browser) throw new Error("no browser");
      try {
        const page = await browser.newPage();
        await page.goto(url);
        await page.locator("body[data-ready=true]").waitFor({ timeout: 15_000 });
        await page.getByText("Replies come from the offline demo model").waitFor();
        await page.locator(".channel.active", { hasText: "general" }).waitFor();
        await page.locator(".member.online", { hasText: "BoBB" }).waitFor();
      } finally {
        await browser.close();
      }
    },
    60_000,
  );

  it("SIGTERM: exit code 0, no process left, nothing token-shaped printed", async () => {
    collect();
    const opencode = [...seen.values()].filter((p) => /opencode/i.test(p.command));
    expect(opencode.length).toBeGreaterThan(0);
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    // Children are killed before the supervisor exits; allow the kernel a moment to reap them.
    await waitFor(() => [...seen.values()].every((p) => !stillRunning(p)), 5_000, "no descendant left");
    expect([...seen.values()].filter(stillRunning)).toEqual([]);
    expect(output.match(TOKEN_PATTERN) ?? []).toEqual([]);
  }, 60_000);
});

describe("npm start when the sandbox port is taken", () => {
  it("exits 1 with one line naming SANDBOX_PORT", async () => {
    const { dir: other, cleanup: removeOther } = await tempDir("bobb-start-busy-");
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const env = {
        PATH: process.env["PATH"] ?? "/usr/bin:/bin",
        HOME: process.env["HOME"] ?? other,
        ...(await localEnv(other)),
        SANDBOX_PORT: String(port),
        BOBB_DISCORD_TOKEN: "",
      };
      const busy = spawn(process.execPath, START.split(" ").slice(1), { cwd: PROJECT_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
      let stderr = "";
      busy.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
      const code = await new Promise<number | null>((resolve) => busy.once("exit", resolve));
      expect(code).toBe(1);
      expect(stderr).toContain(`bobb: port ${port} is already in use (is BoBB already running?). Stop the other process, or set SANDBOX_PORT to a free port.`);
    } finally {
      blocker.close();
      await removeOther();
    }
  }, 30_000);
});

describe("SIGTERM while start-up is still in progress", () => {
  it("exits 0 and leaves no OpenCode process behind", async () => {
    const { dir: other, cleanup: removeOther } = await tempDir("bobb-start-early-");
    const env = {
      PATH: process.env["PATH"] ?? "/usr/bin:/bin",
      HOME: process.env["HOME"] ?? other,
      ...(await localEnv(other)),
      BOBB_DISCORD_TOKEN: "",
      ANTHROPIC_API_KEY: "",
      BOBB_MODEL_BASE_URL: "",
    };
    const early = spawn(process.execPath, START.split(" ").slice(1), { cwd: PROJECT_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let printed = "";
    early.stdout.setEncoding("utf8").on("data", (chunk: string) => (printed += chunk));
    const exited = new Promise<number | null>((resolve) => early.once("exit", resolve));
    const tree = new Map<number, ProcId>();
    try {
      // BoBB's OpenCode server exists but start-up has not finished (no URL line yet).
      await waitFor(
        () => {
          for (const proc of descendants(early.pid!)) tree.set(proc.pid, proc);
          return [...tree.values()].some((p) => p.command.startsWith("opencode"));
        },
        60_000,
        "an opencode server being started",
      );
      expect(printed).not.toMatch(/^sandbox listening on/m);
      early.kill("SIGTERM");
      expect(await exited).toBe(0);
      await waitFor(() => [...tree.values()].every((p) => !stillRunning(p)), 10_000, "no descendant left");
    } finally {
      if (early.exitCode === null) early.kill("SIGKILL");
      for (const proc of tree.values()) if (stillRunning(proc)) process.kill(proc.pid, "SIGKILL");
      await removeOther();
    }
  }, 90_000);
});
