/** An error Discord's REST API would return: HTTP status, JSON error code, message and optional field errors. */
export class DiscordError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly errors?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "DiscordError";
  }

  /** The response body in Discord's shape: `{ message, code, errors? }`. */
  body(): Record<string, unknown> {
    return this.errors ? { message: this.message, code: this.code, errors: this.errors } : { message: this.message, code: this.code };
  }
}

/** One field error, nested the way Discord nests them (`{ content: { _errors: [...] } }`). */
export function fieldError(path: readonly (string | number)[], code: string, message: string): Record<string, unknown> {
  let node: Record<string, unknown> = { _errors: [{ code, message }] };
  for (const key of [...path].reverse()) node = { [String(key)]: node };
  return node;
}

/** Factories for the Discord errors the sandbox returns. */
export const discordErrors = {
  unauthorized: () => new DiscordError(401, 0, "401: Unauthorized"),
  notFound: () => new DiscordError(404, 0, "404: Not Found"),
  internal: () => new DiscordError(500, 0, "500: Internal Server Error"),
  unknownGuild: () => new DiscordError(404, 10004, "Unknown Guild"),
  unknownChannel: () => new DiscordError(404, 10003, "Unknown Channel"),
  unknownMember: () => new DiscordError(404, 10007, "Unknown Member"),
  unknownMessage: () => new DiscordError(404, 10008, "Unknown Message"),
  unknownRole: () => new DiscordError(404, 10011, "Unknown Role"),
  unknownUser: () => new DiscordError(404, 10013, "Unknown User"),
  unknownEmoji: () => new DiscordError(400, 10014, "Unknown Emoji"),
  unknownWebhook: () => new DiscordError(404, 10015, "Unknown Webhook"),
  missingAccess: () => new DiscordError(403, 50001, "Missing Access"),
  cannotEditOthers: () => new DiscordError(403, 50005, "Cannot edit a message authored by another user"),
  emptyMessage: () => new DiscordError(400, 50006, "Cannot send an empty message"),
  cannotMessageUser: () => new DiscordError(400, 50007, "Cannot send messages to this user"),
  missingPermissions: () => new DiscordError(403, 50013, "Missing Permissions"),
  invalidWebhookToken: () => new DiscordError(401, 50027, "Invalid Webhook Token"),
  threadLocked: () => new DiscordError(403, 160005, "Thread is locked"),
  threadAlreadyCreated: () => new DiscordError(400, 160004, "A thread has already been created for this message"),
  entityTooLarge: () => new DiscordError(413, 40005, "Request entity too large"),
  invalidFormBody: (errors: Record<string, unknown>) => new DiscordError(400, 50035, "Invalid Form Body", errors),
};

/** An error of the portal/control API (not Discord's): status plus a stable string code. */
export class SandboxError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "SandboxError";
  }
}
