import { callApi, type ToolContext } from "../lib/bobb-api.js";

/** Lists every bot in the registry. */
export default {
  description: "List all bots (agents) with their status.",
  args: {},
  execute: (_input: Record<string, never>, context: ToolContext) => callApi(context, "GET", "/api/registry/agents"),
};
