/** A registry failure with a stable code the API maps to a status. */
export class RegistryError extends Error {
  constructor(
    readonly code: "REGISTRY_INVALID" | "REGISTRY_BUSY" | "AGENT_NOT_FOUND" | "AGENT_EXISTS" | "NO_FREE_PORT" | "INVALID_AGENT",
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "RegistryError";
  }
}
