/** Stable codes the Discord side maps to user-facing text. */
export type BridgeErrorCode = "BUSY" | "TIMEOUT" | "ABORTED" | "AGENT_UNAVAILABLE" | "PROMPT_FAILED" | "CLOSED";

/** A prompt that could not produce a reply, with a stable code. */
export class BridgeError extends Error {
  constructor(
    readonly code: BridgeErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "BridgeError";
  }
}
