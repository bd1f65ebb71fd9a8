import { callApi, type ToolContext } from "../lib/bobb-api.js";

/** Lists bots still waiting for their Discord token. */
export default {
  description: "List the bots that are still waiting for their Discord token.",
  args: {},
  execute: (_input: Record<string, never>, context: ToolContext) => callApi(context, "GET", "/api/registry/agents/pending"),
};
