import type { DiscordActionCode } from "../api/index.js";
import { CodedError } from "../errors.js";

/** Why a bot could not log in. */
export type BotLoginErrorCode = "TOKEN_REJECTED" | "DISALLOWED_INTENTS" | "LOGIN_FAILED" | "LOGIN_BACKOFF";

/** A bot that could not log in; the message says why in words a person can act on. */
export class BotLoginError extends CodedError<BotLoginErrorCode> {}

/** Every code the Discord side fails with: its actions for the tool API (`DiscordSideError`) and logins. */
export type DiscordErrorCode = DiscordActionCode | BotLoginErrorCode;
