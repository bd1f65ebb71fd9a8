import type { OpencodeClient } from "@opencode-ai/sdk";
import { BUILTIN_TOOLS, toolsOf, type AgentRole } from "./agent-config.js";
import { ServerStartError } from "./errors.js";

/** OpenCode's internal fallback for a malformed tool call; never offered to the model. */
const INTERNAL_TOOLS = ["invalid"];

/**
 * Tools a server registers for an agent beyond the role's own and the built-ins we know and
 * deny: a tool file or plugin OpenCode also loads, or a built-in of a newer OpenCode.
 */
export function unexpectedTools(ids: readonly string[], role: AgentRole): string[] {
  const known = new Set<string>([...toolsOf(role), ...BUILTIN_TOOLS, ...INTERNAL_TOOLS]);
  return ids.filter((id) => !known.has(id));
}

/**
 * Reads the tools the agent's server registers for its directory and refuses the agent when
 * any is not ours. (`tool.ids` lists every registered tool whatever the config says; the
 * permissions keep unknown ones from the model too, this is the check that they exist at all.)
 */
export async function checkOfferedTools(client: OpencodeClient, agentId: string, role: AgentRole): Promise<void> {
  const res = await client.tool.ids({ signal: AbortSignal.timeout(10_000) });
  if (!res.data) throw new ServerStartError(`could not read the tools OpenCode offers agent "${agentId}" (HTTP ${res.response?.status ?? "error"})`);
  const extra = unexpectedTools(res.data, role);
  if (extra.length > 0) {
    throw new ServerStartError(
      `agent "${agentId}" is offered tools besides its own: ${extra.join(", ")}. They come from a plugin or tool file OpenCode loads ` +
        `(e.g. .opencode/tools/ or .opencode/plugin/ in the agent's folder or above it) or from a newer OpenCode; remove them, or pin opencode-ai.`,
    );
  }
}
