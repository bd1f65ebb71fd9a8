import { readFile } from "node:fs/promises";
import path from "node:path";
import { call, CliError, type ApiAgent, type ApiTarget } from "./client.js";

export interface Output {
  out(text: string): void;
}

const agentPath = (id: string) => `/api/registry/agents/${encodeURIComponent(id)}`;

/** The agent, or an error naming the unknown id. */
export async function fetchAgent(target: ApiTarget, id: string): Promise<ApiAgent> {
  try {
    return (await call<{ agent: ApiAgent }>(target, "GET", agentPath(id))).agent;
  } catch (err) {
    if (err instanceof CliError && err.message.includes("AGENT_NOT_FOUND")) throw new CliError(`no agent with id "${id}" (bobb list shows the ids)`);
    throw err;
  }
}

export async function list(target: ApiTarget, io: Output, json: boolean): Promise<void> {
  const { agents } = await call<{ agents: ApiAgent[] }>(target, "GET", "/api/registry/agents");
  if (json) return io.out(`${JSON.stringify(agents, null, 2)}\n`);
  if (agents.length === 0) return io.out("no agents\n");
  const rows = [["ID", "NAME", "STATUS", "TOKEN", "PORT"], ...agents.map((a) => [a.id, a.name, a.status, a.has_token ? "set" : "none", String(a.port)])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  io.out(
    rows
      .map((r) =>
        r
          .map((c, i) => c.padEnd(widths[i]!))
          .join("  ")
          .trimEnd(),
      )
      .join("\n") + "\n",
  );
}

export async function show(target: ApiTarget, io: Output, id: string, json: boolean): Promise<void> {
  const agent = await fetchAgent(target, id);
  if (json) return io.out(`${JSON.stringify(agent, null, 2)}\n`);
  const { persona, has_token, ...rest } = agent;
  const lines = Object.entries(rest)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => `${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`);
  io.out(`${lines.join("\n")}\ntoken: ${has_token ? "set" : "none"}\npersona:\n${persona.replace(/^/gm, "  ")}\n`);
}

export interface EditFlags {
  name?: string | undefined;
  persona?: string | undefined;
  personaFile?: string | undefined;
}

export async function edit(target: ApiTarget, io: Output, id: string, flags: EditFlags, cwd: string): Promise<void> {
  if (flags.persona !== undefined && flags.personaFile !== undefined) throw new CliError("give either --persona or --persona-file, not both", 2);
  const body: { name?: string; persona?: string } = {};
  if (flags.name !== undefined) body.name = flags.name;
  if (flags.persona !== undefined) body.persona = flags.persona;
  if (flags.personaFile !== undefined) {
    const file = path.resolve(cwd, flags.personaFile);
    try {
      body.persona = await readFile(file, "utf8");
    } catch (err) {
      throw new CliError(`cannot read the persona file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 2);
    }
  }
  if (Object.keys(body).length === 0) throw new CliError("nothing to change: give --name, --persona or --persona-file", 2);
  await fetchAgent(target, id);
  const { agent } = await call<{ agent: ApiAgent }>(target, "PUT", agentPath(id), body);
  io.out(`updated ${agent.id}: ${Object.keys(body).join(" and ")} changed (the bot restarts with it)\n`);
}

export async function setEnabled(target: ApiTarget, io: Output, id: string, enabled: boolean): Promise<void> {
  const agent = await fetchAgent(target, id);
  const disabled = agent.status === "disabled";
  if (disabled !== enabled) return io.out(`${agent.id} is already ${enabled ? "enabled" : "disabled"} (status ${agent.status})\n`);
  // Re-enabled: started again when it has a token, else it waits for one.
  const status = enabled ? (agent.has_token ? "ready_to_start" : "pending_token") : "disabled";
  const { agent: after } = await call<{ agent: ApiAgent }>(target, "PUT", agentPath(id), { status });
  io.out(`${after.id} ${enabled ? "enabled" : "disabled"} (status ${after.status})\n`);
}
