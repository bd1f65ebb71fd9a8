import { z } from "zod";
import { callApi, type ToolContext } from "../lib/bobb-api.js";

/** Creates a new bot (agent) in the registry; it then waits for its Discord token. Its creator is the person you answer. */
export default {
  description:
    "Create a new Discord bot (agent) with a name and a persona. The person whose message you answer becomes its creator. It then waits for its Discord token, which that person sends by DM.",
  args: {
    name: z.string().describe('The bot\'s display name, e.g. "Chef Bot".'),
    persona: z.string().describe("A few sentences: personality, topic and tone of the bot."),
    id: z.string().optional().describe("An optional id (lowercase letters, digits, dashes); derived from the name when left out."),
  },
  execute: (input: { name: string; persona: string; id?: string }, context: ToolContext) =>
    callApi(context, "POST", "/api/registry/agents", { name: input.name, persona: input.persona, ...(input.id === undefined ? {} : { id: input.id }) }),
};
