import { z } from "zod";
import { nameKey, nameProblem, personaProblem } from "./text-rules.js";

/** The spec's three statuses plus `disabled`, which operators set to keep an agent stopped. */
export const AGENT_STATUSES = ["pending_token", "ready_to_start", "active", "disabled"] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

export const AGENT_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,47}$/;
export const MAX_PERSONA_BYTES = 8 * 1024;
/** Ids no child agent may take: built-in directories under agents/ and the operator's identity. */
export const RESERVED_IDS: ReadonlySet<string> = new Set(["bobb", "admin", "_template", "_tools"]);

const isoDate = z.iso.datetime({ offset: true, error: "an ISO-8601 date such as 2026-01-01T00:00:00.000Z" });
const snowflake = z.string().regex(/^\d{1,20}$/, "a numeric Discord id");

/** One agent, exactly the spec's fields plus optional operational ones; unknown fields are kept. */
export const agentSchema = z.looseObject({
  id: z
    .string()
    .regex(AGENT_ID_PATTERN, "lowercase letters, digits, - or _ (max 48)")
    .refine((id) => !RESERVED_IDS.has(id), `an id that is not reserved (${[...RESERVED_IDS].join(", ")})`),
  name: z
    .string()
    .min(1, "1 to 64 characters")
    .max(64, "1 to 64 characters")
    .superRefine((name, ctx) => {
      const problem = nameProblem(name);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
  persona: z
    .string()
    .refine((p) => Buffer.byteLength(p) <= MAX_PERSONA_BYTES, `a persona of at most ${MAX_PERSONA_BYTES} bytes (as through the API)`)
    .superRefine((persona, ctx) => {
      const problem = personaProblem(persona);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
  port: z.number().int().min(1).max(65535),
  status: z.enum(AGENT_STATUSES, { error: `one of ${AGENT_STATUSES.join(", ")}` }),
  token: z.string().nullable().optional(),
  discord_user_id: snowflake.nullable().optional(),
  created_at: isoDate,
  activated_at: isoDate.nullable().optional(),
  created_by: snowflake.nullable().optional(),
  last_error: z.string().nullable().optional(),
});
export type Agent = z.infer<typeof agentSchema>;

export const registrySchema = z
  .looseObject({
    agents: z.record(z.string(), agentSchema),
    next_port: z.number().int().min(1).max(65535),
  })
  .superRefine((reg, ctx) => {
    // The API's rules hold for hand edits too: one agent per name (case-insensitive) and per port.
    const names = new Map<string, string>();
    const ports = new Map<number, string>();
    for (const [key, agent] of Object.entries(reg.agents)) {
      if (agent.id !== key) {
        ctx.addIssue({ code: "custom", path: ["agents", key, "id"], message: `must equal its key "${key}"` });
      }
      const sameName = names.get(nameKey(agent.name));
      if (sameName !== undefined) ctx.addIssue({ code: "custom", path: ["agents", key, "name"], message: `a name not already used by agent "${sameName}"` });
      else names.set(nameKey(agent.name), key);
      const samePort = ports.get(agent.port);
      if (samePort !== undefined)
        ctx.addIssue({ code: "custom", path: ["agents", key, "port"], message: `a port not already used: ${agent.port} belongs to agent "${samePort}"` });
      else ports.set(agent.port, key);
    }
  });
export type Registry = z.infer<typeof registrySchema>;

/** An agent as the API shows it: never the token, only whether there is one. */
export type PublicAgent = Omit<Agent, "token"> & { has_token: boolean };

/** Strips the token; every API response goes through this. */
export function toPublicAgent(agent: Agent): PublicAgent {
  const { token, ...rest } = agent;
  return { ...rest, has_token: typeof token === "string" && token.length > 0 };
}

export function emptyRegistry(firstPort: number): Registry {
  return { agents: {}, next_port: firstPort };
}
