import { z } from "zod";
import { callApi, type ToolContext } from "../lib/bobb-api.js";

/** Changes a bot's name or persona; only its creator or a server manager may. Tokens are never handled by a model. */
export default {
  description: "Change a bot's name and/or persona. Only its creator or a server manager may; each change restarts the bot, so changes are rate-limited.",
  args: {
    id: z.string().describe("The bot's id."),
    name: z.string().optional().describe("The new display name."),
    persona: z.string().optional().describe("The new persona."),
  },
  execute: (input: { id: string; name?: string; persona?: string }, context: ToolContext) => {
    const body: { name?: string; persona?: string } = {};
    if (input.name !== undefined) body.name = input.name;
    if (input.persona !== undefined) body.persona = input.persona;
    return callApi(context, "PUT", `/api/registry/agents/${encodeURIComponent(input.id)}`, body);
  },
};
