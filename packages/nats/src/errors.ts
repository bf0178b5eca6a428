// One error class for the package, with a stable `code` (tests assert codes, never text).

/** The codes a `NatsTransportError` carries. */
export type NatsTransportErrorCode =
  | "ERR_TRANSPORT_UNAVAILABLE"
  | "ERR_TRANSPORT_CONFIG"
  | "ERR_TRANSPORT_UNSUPPORTED"
  | "ERR_TRANSPORT_ENCODE";

/**
 * A failure of the NATS transport:
 * - `ERR_TRANSPORT_UNAVAILABLE`: the server could not be reached (or has no JetStream) at start;
 * - `ERR_TRANSPORT_CONFIG`: an existing stream or consumer conflicts with the definition
 *   (`field` names the setting that differs), or an option is invalid;
 * - `ERR_TRANSPORT_UNSUPPORTED`: `take`/`poll`/`for await` on the producer side of a NATS
 *   channel (workers consume it; nothing else may);
 * - `ERR_TRANSPORT_ENCODE`: a value that `node:v8` cannot serialize (a function, a symbol).
 */
export class NatsTransportError extends Error {
  readonly code: NatsTransportErrorCode;
  /** For `ERR_TRANSPORT_CONFIG`: the stream or consumer setting (or option) at fault. */
  readonly field: string | undefined;

  constructor(
    code: NatsTransportErrorCode,
    message: string,
    options?: { cause?: unknown; field?: string },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "NatsTransportError";
    this.code = code;
    this.field = options?.field;
  }
}
