import { z } from "zod";
import { callApi, query, type ToolContext } from "../lib/bobb-api.js";

/** Lists the bots and people that can be tagged. */
export default {
  description: "List the bots and people you can tag (optionally in one channel).",
  args: { channel_id: z.string().optional().describe("A Discord channel id to list the members of.") },
  execute: (input: { channel_id?: string }, context: ToolContext) => callApi(context, "GET", `/api/discord/members${query({ channel_id: input.channel_id })}`),
};
