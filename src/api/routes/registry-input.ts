import { z } from "zod";
import { nameProblem, personaProblem, MAX_PERSONA_BYTES, AGENT_STATUSES } from "../../registry/index.js";
import { JWT_PATTERN, TOKEN_PATTERN } from "../../log/index.js";

/** A zod check from a rule that names its problem. */
const rule = (problem: (s: string) => string | undefined) => (s: string, ctx: z.RefinementCtx) => {
  const message = problem(s);
  if (message) ctx.addIssue({ code: "custom", message });
};
const name = z.string().normalize("NFC").trim().min(1, "a name of 1 to 64 characters").max(64, "a name of 1 to 64 characters").superRefine(rule(nameProblem));
const persona = z
  .string()
  .trim()
  .min(1, "a persona description")
  .refine((p) => Buffer.byteLength(p) <= MAX_PERSONA_BYTES, `a persona of at most ${MAX_PERSONA_BYTES} bytes`)
  .superRefine(rule(personaProblem));
export const createBody = z.strictObject({
  name,
  persona,
  id: z.string().optional(),
  /** Only the operator's key may set it; for BoBB it is the author of the live turn. */
  created_by: z
    .string()
    .regex(/^\d{1,20}$/, "a numeric Discord user id")
    .optional(),
});
const tokenShape = new RegExp(`^(?:${TOKEN_PATTERN.source}|${JWT_PATTERN.source})$`);
export const updateBody = z
  .strictObject({
    name: name.optional(),
    persona: persona.optional(),
    status: z.enum(AGENT_STATUSES, { error: `one of ${AGENT_STATUSES.join(", ")}` }).optional(),
    token: z.string().trim().regex(tokenShape, "a bot token (three dot-separated parts: Discord's shape or a JWT)").optional(),
  })
  .refine((b) => Object.keys(b).length > 0, "at least one of name, persona, status, token");
export type UpdateBody = z.output<typeof updateBody>;
export const idParams = z.object({ id: z.string().min(1).max(64) });
export const searchQuery = z.object({
  q: z.string().trim().min(1, "a search text of 1 to 100 characters").max(100, "a search text of 1 to 100 characters"),
});
