import { z } from "zod";
import { callApi, type ToolContext } from "../lib/bobb-api.js";

const args = {
  channel_id: z.string().describe("The Discord channel id to post in (the Channel ID of the message you answer)."),
  content: z.string().describe("The message text. Do not write raw <@id> mentions; use mention_bots."),
  reply_to: z.string().optional().describe("A message id to reply to (the Message ID of the message you answer)."),
  mention_bots: z.array(z.string()).optional().describe('Names of other bots to tag, e.g. ["Trump Bot"]. Never your own name.'),
};

/** Posts a message to a Discord channel as this bot, optionally tagging other bots by name. */
export default {
  description: "Send a message to a Discord channel as yourself, optionally tagging other bots by name (mention_bots).",
  args,
  execute: (input: { channel_id: string; content: string; reply_to?: string; mention_bots?: string[] }, context: ToolContext) =>
    callApi(context, "POST", "/api/discord/send", input),
};
