/** Stable codes carried by every error this package throws. */
export type ChannelErrorCode =
  | "ERR_PENDING_LIMIT"
  | "ERR_CLOSED"
  | "ERR_INVALID_BUFFER"
  | "ERR_INVALID_ARGUMENT";

/** Base class of the errors thrown by `@workers/channels`; `code` is stable, the message is not. */
export class ChannelError extends Error {
  /** Stable, machine-readable code. */
  readonly code: ChannelErrorCode;

  constructor(code: ChannelErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * Thrown synchronously when a channel already holds 1024 pending puts (or 1024 pending takes)
 * and one more would be queued. core.async has the same limit (`MAX-QUEUE-SIZE`).
 * Code `ERR_PENDING_LIMIT`.
 */
export class PendingLimitError extends ChannelError {
  /** Which queue was full. */
  readonly operation: "put" | "take";
  /** The limit that was reached. */
  readonly limit: number;

  constructor(operation: "put" | "take", limit: number) {
    super(
      "ERR_PENDING_LIMIT",
      `No more than ${limit} pending ${operation}s are allowed on a single channel; ` +
        `use a buffer, await each ${operation}, or use offer/poll`,
    );
    this.operation = operation;
    this.limit = limit;
  }
}

/**
 * For code that needs an open channel and got a closed one. Code `ERR_CLOSED`. This package's
 * own operations never throw it: on a closed channel they return values (`false`, `undefined`).
 */
export class ClosedError extends ChannelError {
  constructor(message = "The channel is closed") {
    super("ERR_CLOSED", message);
  }
}

/**
 * Thrown by `chan`, `fixed`, `dropping` and `sliding` for a buffer size or type they cannot
 * build. Code `ERR_INVALID_BUFFER`.
 */
export class InvalidBufferError extends ChannelError {
  constructor(message: string) {
    super("ERR_INVALID_BUFFER", message);
  }
}

/** Thrown for an argument of the wrong kind (other than a buffer). Code `ERR_INVALID_ARGUMENT`. */
export class InvalidArgumentError extends ChannelError {
  constructor(message: string) {
    super("ERR_INVALID_ARGUMENT", message);
  }
}

/**
 * Thrown when `undefined` is put on a channel: `undefined` is the closed sentinel, as `nil` is
 * in core.async. A `TypeError`, with code `ERR_UNDEFINED_VALUE`.
 */
export class UndefinedValueError extends TypeError {
  /** Stable, machine-readable code. */
  readonly code: "ERR_UNDEFINED_VALUE" = "ERR_UNDEFINED_VALUE";

  constructor() {
    super("Cannot put undefined on a channel: undefined means closed (use null for 'no value')");
    this.name = "UndefinedValueError";
  }
}
