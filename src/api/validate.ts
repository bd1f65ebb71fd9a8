import type { z } from "zod";
import { ApiError } from "./errors.js";

/** Parses input with a zod schema; a failure is a 400 naming the bad field and what is expected. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, where: "body" | "query" | "params"): z.output<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.length > 0 ? issue.path.join(".") : where;
  throw new ApiError("VALIDATION_ERROR", `${where} field "${field}": ${issue.message}`);
}
