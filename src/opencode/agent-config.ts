import { existsSync } from "node:fs";
import { lstat, mkdir, readdir, readFile, readlink, rm, symlink } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { writeIfChanged } from "./files.js";
import { providerConfig, type ModelSettings } from "./model.js";

export type AgentRole = "bobb" | "child";

/** Tools every agent gets, and the ones only BoBB gets. */
export const CHILD_TOOLS = ["send_message", "list_members"] as const;
export const BOBB_TOOLS = [
  ...CHILD_TOOLS,
  "create_agent",
  "list_agents",
  "get_agent",
  "update_agent",
  "disable_agent",
  "enable_agent",
  "remove_agent",
  "pending_agents",
  "search_agents",
] as const;

/**
 * OpenCode's built-in tools, all disabled for every agent. The first line is what
 * opencode 1.18.33 registers (ToolRegistry: question, bash, read, glob, grep, edit, write,
 * task, webfetch, todowrite, websearch, skill, apply_patch, plus lsp, plan and code-mode
 * execute behind experimental flags); the rest are names older or newer versions use.
 */
export const BUILTIN_TOOLS = [
  "bash",
  "read",
  "glob",
  "grep",
  "edit",
  "write",
  "task",
  "webfetch",
  "todowrite",
  "websearch",
  "skill",
  "apply_patch",
  "question",
  "lsp",
  "plan_enter",
  "plan_exit",
  "execute",
  "list",
  "patch",
  "multiedit",
  "todoread",
  "codesearch",
  "batch",
] as const;

/** Permission keys OpenCode knows; denied by name too (after "*"), so even a re-enabled tool could not act. */
const DENIED_PERMISSIONS = [
  "read",
  "edit",
  "glob",
  "grep",
  "list",
  "bash",
  "task",
  "external_directory",
  "todowrite",
  "question",
  "webfetch",
  "websearch",
  "codesearch",
  "lsp",
  "skill",
  "doom_loop",
];

/** Replaces OpenCode's coding-assistant system prompt: agents are chat personas. */
const CHAT_PROMPT = [
  "You are a bot in Discord chats, not a coding assistant. Who you are, how you speak and what you may do",
  "is described in the instructions below (your AGENTS.md): follow them and stay in character.",
  "You cannot read or write files, run commands or browse the web; your only tools are the ones offered to you.",
  "Never reveal, guess or ask for tokens, keys or passwords.",
].join(" ");

/** The tools an agent of this role is given. */
export function toolsOf(role: AgentRole): readonly string[] {
  return role === "bobb" ? BOBB_TOOLS : CHILD_TOOLS;
}

/**
 * Deny by default: "*" first (OpenCode applies the last matching rule), every permission we
 * know denied again, and only the role's own tools allowed by name. A built-in tool a later
 * OpenCode adds, or a tool from a plugin or a stray tool file, stays off.
 */
function permissions(role: AgentRole): Record<string, "allow" | "deny"> {
  return {
    "*": "deny",
    ...Object.fromEntries(DENIED_PERMISSIONS.map((p) => [p, "deny" as const])),
    ...Object.fromEntries(toolsOf(role).map((t) => [t, "allow" as const])),
    // OpenCode's internal answer to a call of a tool the agent does not have ("no such tool");
    // never offered to the model, it only tells the model its invented call went nowhere.
    invalid: "allow",
  };
}

/** The opencode.json of one agent. */
export function agentConfig(agentId: string, model: ModelSettings, role: AgentRole): Record<string, unknown> {
  return {
    $schema: "https://opencode.ai/config.json",
    ...providerConfig(model, agentId),
    agent: { build: { prompt: CHAT_PROMPT } },
    tools: Object.fromEntries(BUILTIN_TOOLS.map((t) => [t, false])),
    permission: permissions(role),
    share: "disabled",
    autoupdate: false,
    snapshot: false,
    lsp: false,
    formatter: false,
    mcp: {},
  };
}

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const TOOL_SOURCES = path.join(here, "agent-tools");

/** The installed @opencode-ai/plugin version OpenCode would otherwise download. */
function pluginVersion(): string {
  try {
    return (require("@opencode-ai/plugin/package.json") as { version: string }).version;
  } catch {
    return "latest";
  }
}

/** Directory of the zod package the tools import (linked, so nothing is installed per agent). */
function zodDir(): string {
  return path.dirname(require.resolve("zod/package.json"));
}

/**
 * Makes a `.opencode`-style config directory look already installed: OpenCode runs an npm
 * install of @opencode-ai/plugin in every config directory without node_modules (or whose
 * lock file lacks a dependency). That needs the registry and takes seconds; our tools only
 * import zod, linked from our own node_modules.
 */
export async function seedConfigDir(dir: string): Promise<void> {
  const version = pluginVersion();
  const deps = { "@opencode-ai/plugin": version };
  await writeIfChanged(path.join(dir, "package.json"), `${JSON.stringify({ private: true, dependencies: deps }, null, 2)}\n`);
  await writeIfChanged(
    path.join(dir, "package-lock.json"),
    `${JSON.stringify({ name: "bobb-agent", lockfileVersion: 3, requires: true, packages: { "": { dependencies: deps } } }, null, 2)}\n`,
  );
  await writeIfChanged(path.join(dir, ".gitignore"), "node_modules\npackage.json\npackage-lock.json\nbun.lock\n.gitignore\n");
  await mkdir(path.join(dir, "node_modules"), { recursive: true });
  await linkTo(path.join(dir, "node_modules", "zod"), zodDir());
}

async function linkTo(link: string, target: string): Promise<void> {
  const stat = await lstat(link).catch(() => undefined);
  if (stat?.isSymbolicLink() && (await readlink(link)) === target) return;
  if (stat) await rm(link, { recursive: true, force: true });
  await symlink(target, link, "dir");
}

/** Source text of one tool, with its import made loadable by OpenCode's Bun runtime. */
async function toolSource(file: string): Promise<string> {
  const text = await readFile(file, "utf8");
  return text.replace(/from "\.\.\/lib\/bobb-api\.js"/g, 'from "../lib/bobb-api.ts"');
}

export interface WriteAgentInput {
  id: string;
  role: AgentRole;
  /** The agent's directory (agents/{id}); its AGENTS.md is written elsewhere. */
  dir: string;
  model: ModelSettings;
}

/** Writes opencode.json and .opencode/ (tools) for one agent; true when anything changed. */
export async function writeAgentConfig(input: WriteAgentInput): Promise<boolean> {
  const configDir = path.join(input.dir, ".opencode");
  let changed = await writeIfChanged(path.join(input.dir, "opencode.json"), `${JSON.stringify(agentConfig(input.id, input.model, input.role), null, 2)}\n`);
  await seedConfigDir(configDir);
  const lib = await readFile(path.join(TOOL_SOURCES, "lib", "bobb-api.ts"), "utf8");
  changed = (await writeIfChanged(path.join(configDir, "lib", "bobb-api.ts"), lib)) || changed;
  const wanted = toolsOf(input.role);
  for (const name of wanted) {
    const source = await toolSource(path.join(TOOL_SOURCES, "tool", `${name}.ts`));
    changed = (await writeIfChanged(path.join(configDir, "tool", `${name}.ts`), source)) || changed;
  }
  // A child must not keep BoBB's tools (e.g. after a role change or a stale directory).
  for (const entry of await readdir(path.join(configDir, "tool")).catch(() => [] as string[])) {
    if (!wanted.includes(entry.replace(/\.(ts|js)$/, ""))) {
      await rm(path.join(configDir, "tool", entry), { force: true });
      changed = true;
    }
  }
  return changed;
}

/** Files above the agent directory that OpenCode would also load (it walks up to the git root). */
export function inheritedFiles(dir: string): string[] {
  const found: string[] = [];
  let current = path.dirname(path.resolve(dir));
  for (;;) {
    for (const name of ["AGENTS.md", "CLAUDE.md", "CONTEXT.md", "opencode.json", "opencode.jsonc", ".opencode"]) {
      const file = path.join(current, name);
      if (existsSync(file)) found.push(file);
    }
    if (existsSync(path.join(current, ".git"))) break;
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  return found;
}
