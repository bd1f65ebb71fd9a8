import { CodedError } from "../errors.js";

/** Stable codes of a prompt that failed; the Discord side maps them to user-facing text. */
export type BridgeErrorCode = "BUSY" | "TIMEOUT" | "ABORTED" | "AGENT_UNAVAILABLE" | "PROMPT_FAILED" | "CLOSED";

/** A prompt that could not produce a reply, with a stable code. */
export class BridgeError extends CodedError<BridgeErrorCode> {}

/** An OpenCode server that did not come up (or went away); names the agent and quotes stderr. */
export class ServerStartError extends CodedError<"OPENCODE_START_FAILED"> {
  constructor(message: string) {
    super("OPENCODE_START_FAILED", message);
  }
}

/** Every code the OpenCode side fails with. */
export type OpencodeErrorCode = BridgeErrorCode | ServerStartError["code"];
