import { z } from "zod";
import { callApi, type ToolContext } from "../lib/bobb-api.js";

/** Takes a bot offline and keeps it so; only its creator or a server manager may. */
export default {
  description: "Disable a bot: it goes offline and stays so until re-enabled. Only its creator or a server manager may.",
  args: { id: z.string().describe("The bot's id.") },
  execute: (input: { id: string }, context: ToolContext) =>
    callApi(context, "PUT", `/api/registry/agents/${encodeURIComponent(input.id)}`, { status: "disabled" }),
};
