import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root: where the shipped agents/ templates and the base opencode.json live. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
