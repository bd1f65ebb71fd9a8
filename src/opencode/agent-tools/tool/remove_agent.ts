import { z } from "zod";
import { callApi, type ToolContext } from "../lib/bobb-api.js";

/** Removes a bot for good (its folder is kept aside); only its creator or a server manager may. */
export default {
  description:
    "Remove a bot for good: it is stopped, its token and conversations are deleted, its folder is kept under agents/.removed/. Only its creator or a server manager may. Ask the person to confirm first.",
  args: { id: z.string().describe("The bot's id.") },
  execute: (input: { id: string }, context: ToolContext) => callApi(context, "DELETE", `/api/registry/agents/${encodeURIComponent(input.id)}`),
};
