// The one error base of the product. It imports nothing, so every domain may use it without a cycle.

/** A failure with a stable, typed `code` (what callers match on) and an optional `cause`. */
export class CodedError<C extends string = string> extends Error {
  constructor(
    readonly code: C,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** True when `err` is a CodedError whose code is one of `codes`. */
export function hasCode<C extends string>(err: unknown, codes: readonly C[]): err is CodedError<C> {
  return err instanceof CodedError && (codes as readonly string[]).includes(err.code);
}
