import { CodedError } from "../errors.js";
import type { RegistryErrorCode } from "../registry/index.js";
import type { DiscordActionCode, RoomsAdminCode } from "./ports.js";

/** Codes the API raises itself. */
export type ApiOwnCode =
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "VALIDATION_ERROR"
  | "BAD_REQUEST"
  | "BODY_TOO_LARGE"
  | "BAD_URL"
  | "URI_TOO_LONG"
  | "HEADERS_TOO_LARGE"
  | "REQUEST_TIMEOUT"
  | "AGENT_NOT_FOUND"
  | "TOKEN_IN_USE"
  | "DISCORD_UNAVAILABLE"
  | "NO_LIVE_TURN"
  | "NOT_OWNER"
  | "RATE_LIMITED"
  | "ROOMS_UNAVAILABLE"
  | "INTERNAL";

/** Every code an API error body can carry: the API's own, the registry's, the Discord side's and the rooms side's. */
export type ApiCode = ApiOwnCode | RegistryErrorCode | DiscordActionCode | RoomsAdminCode;

/** The HTTP status of every code; a code missing here, or one no domain has, fails type-checking. */
export const STATUS_BY_CODE = {
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  VALIDATION_ERROR: 400,
  BAD_REQUEST: 400,
  BODY_TOO_LARGE: 413,
  BAD_URL: 400,
  URI_TOO_LONG: 414,
  HEADERS_TOO_LARGE: 431,
  REQUEST_TIMEOUT: 408,
  INTERNAL: 500,
  INVALID_AGENT: 400,
  UNKNOWN_BOT_NAME: 400,
  AGENT_NOT_FOUND: 404,
  CHANNEL_NOT_FOUND: 404,
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
  NO_LIVE_TURN: 403,
  NOT_OWNER: 403,
  RATE_LIMITED: 429,
  OUTSIDE_CONVERSATION: 403,
  POST_LIMIT: 429,
  TURN_ENDED: 409,
  ROOM_NOT_FOUND: 404,
  INVITE_NOT_FOUND: 404,
  INVITE_LIMIT: 409,
  LABEL_TAKEN: 409,
  ROOMS_UNAVAILABLE: 503,
} as const satisfies Record<ApiCode, number>;

/** An API failure with a stable code; the error handler turns it into `{"error":{"code","message"}}`. */
export class ApiError extends CodedError<ApiOwnCode> {
  get status(): number {
    return STATUS_BY_CODE[this.code];
  }
}
