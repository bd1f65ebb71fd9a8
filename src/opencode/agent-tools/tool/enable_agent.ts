import { z } from "zod";
import { callApi, type ToolContext } from "../lib/bobb-api.js";

/** Brings a disabled bot back online; only its creator or a server manager may. */
export default {
  description: "Re-enable a disabled bot so it comes back online. Only its creator or a server manager may.",
  args: { id: z.string().describe("The bot's id.") },
  execute: (input: { id: string }, context: ToolContext) =>
    callApi(context, "PUT", `/api/registry/agents/${encodeURIComponent(input.id)}`, { status: "ready_to_start" }),
};
