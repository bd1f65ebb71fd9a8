import { CodedError } from "../errors.js";

/** Why a validated token could not be stored. */
export type IntakeErrorCode = "AGENT_REMOVED" | "TOKEN_IN_USE";

/** A token intake that could not finish; the message is shown to the person in the DM. */
export class IntakeError extends CodedError<IntakeErrorCode> {}
