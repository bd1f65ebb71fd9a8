import { CodedError } from "../errors.js";

/** The HTTP status of every code the rooms side fails with (the rooms listener and the operator API). */
export const ROOMS_STATUS = {
  UNAUTHORIZED: 401,
  KEY_UNKNOWN: 401,
  KEY_EXPIRED: 401,
  KEY_REVOKED: 401,
  KEY_CLAIMED: 401,
  CODE_UNKNOWN: 404,
  CODE_EXPIRED: 410,
  CODE_CLAIMED: 409,
  CODE_REVOKED: 410,
  WRONG_ROOM: 403,
  ROOM_NOT_FOUND: 404,
  INVITE_NOT_FOUND: 404,
  POST_NOT_FOUND: 404,
  BOT_NOT_FOUND: 404,
  ROOM_PAUSED: 409,
  ROOM_FULL: 409,
  INVITE_LIMIT: 409,
  LABEL_TAKEN: 409,
  NAME_RESERVED: 409,
  NAME_TAKEN: 409,
  MESSAGE_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  VALIDATION_ERROR: 400,
  ROOMS_UNAVAILABLE: 503,
} as const;

export type RoomsErrorCode = keyof typeof ROOMS_STATUS;

/** A refusal of the rooms side; `retryAfter` (seconds) goes into a Retry-After header. */
export class RoomsError extends CodedError<RoomsErrorCode> {
  constructor(
    code: RoomsErrorCode,
    message: string,
    readonly retryAfter?: number,
  ) {
    super(code, message);
  }

  get status(): number {
    return ROOMS_STATUS[this.code];
  }
}
