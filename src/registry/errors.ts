import { CodedError } from "../errors.js";

/** Every code a registry failure carries. */
export type RegistryErrorCode = "REGISTRY_INVALID" | "REGISTRY_BUSY" | "AGENT_NOT_FOUND" | "AGENT_EXISTS" | "NO_FREE_PORT" | "INVALID_AGENT";

/** A registry failure with a stable code the API maps to a status. */
export class RegistryError extends CodedError<RegistryErrorCode> {}
