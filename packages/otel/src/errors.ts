/** Stable codes of the errors this package throws. */
export type OtelErrorCode = "ERR_OTEL_OPTIONS";

/** Base class of this package's errors. */
export class OtelError extends Error {
  override name = "OtelError";
  readonly code: OtelErrorCode;

  constructor(code: OtelErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/** An option of `otelObservability` or `createThreadAround` has the wrong type (`ERR_OTEL_OPTIONS`). */
export class OtelOptionsError extends OtelError {
  override name = "OtelOptionsError";
  /** The option at fault. */
  readonly option: string;

  constructor(option: string, expected: string, received: unknown) {
    const got = received === null ? "null" : typeof received;
    super("ERR_OTEL_OPTIONS", `${option}: expected ${expected}, received ${got}`);
    this.option = option;
  }
}
