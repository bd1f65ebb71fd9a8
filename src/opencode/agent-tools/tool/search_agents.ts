import { z } from "zod";
import { callApi, query, type ToolContext } from "../lib/bobb-api.js";

/** Finds bots by name. */
export default {
  description: "Search bots by name.",
  args: { q: z.string().describe("Part of a bot's name.") },
  execute: (input: { q: string }, context: ToolContext) => callApi(context, "GET", `/api/registry/agents/search${query({ q: input.q })}`),
};
