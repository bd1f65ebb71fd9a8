import { z } from "zod";
import { callApi, type ToolContext } from "../lib/bobb-api.js";

const args = {
  channel_id: z.string().optional().describe("Leave out: you post in the conversation you are answering. Any other channel is refused."),
  content: z.string().describe("The message text. Do not write raw <@id> mentions; use mention_bots."),
  reply_to: z.string().optional().describe("A message id to reply to (the Message ID of the message you answer)."),
  mention_bots: z.array(z.string()).optional().describe('Names of other bots to tag, e.g. ["Trump Bot"]. Never your own name.'),
};

/** Posts into the conversation this turn answers, as this bot, optionally tagging other bots by name. */
export default {
  description:
    "Send a message as yourself into the conversation you are answering, optionally tagging other bots by name (mention_bots). One answer posts at most a few messages.",
  args,
  execute: (input: { channel_id?: string; content: string; reply_to?: string; mention_bots?: string[] }, context: ToolContext) =>
    callApi(context, "POST", "/api/discord/send", input),
};
