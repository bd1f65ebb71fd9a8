import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { apiTarget, CliError } from "./client.js";
import { edit, list, setEnabled, show, type Output } from "./commands.js";

export const HELP = `bobb: edit the fleet through the supervisor's tool API

Usage:
  bobb list [--json]                 every agent: id, name, status, whether a token is set, port
  bobb show <id> [--json]            one agent (its persona too; never its token)
  bobb edit <id> [--name <name>] [--persona <text> | --persona-file <file>]
                                     rename it or change its persona (the bot restarts with it)
  bobb disable <id>                  stop the bot and keep it stopped
  bobb enable <id>                   start it again (or wait for its token when it has none)
  bobb --help

Where (environment, or a .env in the current directory):
  BOBB_API_URL    the tool API (default http://BOBB_API_HOST:BOBB_API_PORT, i.e. http://127.0.0.1:3456)
  BOBB_API_KEY    the operator's key (default: the key file the supervisor writes, <BOBB_DATA_DIR>/api-key)
  BOBB_DATA_DIR   the supervisor's data dir (default ./data)
`;

const COMMANDS = new Set(["list", "show", "edit", "disable", "enable"]);

export interface CliIo extends Output {
  err(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

/** Runs one command; returns the exit code (0 done, 1 failed, 2 bad usage). */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  try {
    let parsed;
    try {
      parsed = parseArgs({
        args: argv,
        allowPositionals: true,
        options: {
          help: { type: "boolean", short: "h" },
          json: { type: "boolean" },
          name: { type: "string" },
          persona: { type: "string" },
          "persona-file": { type: "string" },
        },
      });
    } catch (err) {
      throw new CliError(`${(err as Error).message} (see bobb --help)`, 2);
    }
    const { values, positionals } = parsed;
    const [command, id, ...extra] = positionals;
    if (values.help || command === "help") return (io.out(HELP), 0);
    if (!command) throw new CliError(`no command given\n\n${HELP}`, 2);
    if (!COMMANDS.has(command)) throw new CliError(`unknown command "${command}": one of list, show, edit, disable, enable (see bobb --help)`, 2);
    const needsId = command !== "list";
    if (needsId && !id) throw new CliError(`bobb ${command} needs an agent id (bobb list shows them)`, 2);
    if (extra.length > 0 || (!needsId && id)) throw new CliError(`unexpected argument "${needsId ? extra[0] : id}" (see bobb --help)`, 2);
    const editing = values.name !== undefined || values.persona !== undefined || values["persona-file"] !== undefined;
    if (editing && command !== "edit") throw new CliError(`--name, --persona and --persona-file belong to bobb edit`, 2);
    if (values.json && command !== "list" && command !== "show") throw new CliError(`--json belongs to bobb list and bobb show`, 2);
    const target = await apiTarget(io.env, io.cwd);
    const json = values.json ?? false;
    if (command === "list") await list(target, io, json);
    else if (command === "show") await show(target, io, id!, json);
    else if (command === "edit") await edit(target, io, id!, { name: values.name, persona: values.persona, personaFile: values["persona-file"] }, io.cwd);
    else await setEnabled(target, io, id!, command === "enable");
    return 0;
  } catch (err) {
    if (!(err instanceof CliError)) throw err;
    io.err(`bobb: ${err.message}\n`);
    return err.exit;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href || process.env.BOBB_CLI_ENTRY === "1") {
  try {
    process.loadEnvFile(".env");
  } catch {
    // No .env here: the environment alone.
  }
  const code = await runCli(process.argv.slice(2), {
    out: (t) => void process.stdout.write(t),
    err: (t) => void process.stderr.write(t),
    env: process.env,
    cwd: process.cwd(),
  });
  process.exitCode = code;
}
