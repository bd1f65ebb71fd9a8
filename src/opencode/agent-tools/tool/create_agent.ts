import { z } from "zod";
import { callApi, type ToolContext } from "../lib/bobb-api.js";

/** Creates a new bot (agent) in the registry; it then waits for its Discord token. */
export default {
  description: "Create a new Discord bot (agent) with a name and a persona. It then waits for its Discord token, which the person sends by DM.",
  args: {
    name: z.string().describe('The bot\'s display name, e.g. "Chef Bot".'),
    persona: z.string().describe("A few sentences: personality, topic and tone of the bot."),
    id: z.string().optional().describe("An optional id (lowercase letters, digits, dashes); derived from the name when left out."),
    created_by: z.string().optional().describe("The User ID from the From: line of the message."),
  },
  execute: (input: { name: string; persona: string; id?: string; created_by?: string }, context: ToolContext) =>
    callApi(context, "POST", "/api/registry/agents", input),
};
