/** An API failure with a stable code; the error handler turns it into `{"error":{"code","message"}}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** Status for error codes raised outside the API (registry, discord side). */
export const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  INVALID_AGENT: 400,
  VALIDATION_ERROR: 400,
  UNKNOWN_BOT_NAME: 400,
  INVALID_MESSAGE: 400,
  AGENT_NOT_FOUND: 404,
  CHANNEL_NOT_FOUND: 404,
  MESSAGE_NOT_FOUND: 404,
  AGENT_EXISTS: 409,
  TOKEN_IN_USE: 409,
  AGENT_NOT_RUNNING: 409,
  CHANNEL_STOPPED: 409,
  DISCORD_FORBIDDEN: 403,
  REGISTRY_INVALID: 503,
  REGISTRY_BUSY: 503,
  NO_FREE_PORT: 503,
  DISCORD_UNAVAILABLE: 503,
  DISCORD_ERROR: 502,
};
