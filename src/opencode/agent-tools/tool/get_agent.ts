import { z } from "zod";
import { callApi, type ToolContext } from "../lib/bobb-api.js";

/** Shows one bot's details. */
export default {
  description: "Get one bot's details by id.",
  args: { id: z.string().describe("The bot's id.") },
  execute: (input: { id: string }, context: ToolContext) => callApi(context, "GET", `/api/registry/agents/${encodeURIComponent(input.id)}`),
};
