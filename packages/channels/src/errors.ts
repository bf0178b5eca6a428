/** Stable codes carried by every error this package throws. */
export type ChannelErrorCode =
  | "ERR_PENDING_LIMIT"
  | "ERR_CLOSED"
  | "ERR_INVALID_BUFFER"
  | "ERR_INVALID_ARGUMENT"
  | "ERR_UNDEFINED_VALUE"
  | "ERR_THENABLE";

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

/**
 * Thrown for an argument of the wrong kind (other than a buffer). Code `ERR_INVALID_ARGUMENT`.
 * A number outside its range (a timer's `ms`) is an `ArgumentRangeError`, with the same code.
 */
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

/**
 * Thrown when a promise or another thenable (an object or function with a callable `then`) is
 * put on a channel: `await take()` would adopt it (a rejected one would throw out of the
 * taker's loop, one resolving to `undefined` would look like "closed"), so it cannot travel
 * as it is. Wrap it (`{ promise }`) to send it. A `TypeError`, with code `ERR_THENABLE`. A
 * value whose `then` getter throws is refused too, with the getter's error as `cause`.
 */
export class ThenableValueError extends TypeError {
  /** Stable, machine-readable code. */
  readonly code: "ERR_THENABLE" = "ERR_THENABLE";

  constructor(options?: { cause?: unknown }) {
    super(
      "Cannot put a promise or other thenable on a channel: taking it would adopt it " +
        "(wrap it, e.g. { promise }, to send it)",
      options,
    );
    this.name = "ThenableValueError";
  }
}

/**
 * Thrown for a number outside the range an argument accepts: every `ms` (`timeout`) must be a
 * finite number in 1..2^31-1, the range a platform timer honours (larger or smaller delays
 * are clamped to about 1 ms). A `RangeError`, with code `ERR_INVALID_ARGUMENT`.
 */
export class ArgumentRangeError extends RangeError {
  /** Stable, machine-readable code (the same as `InvalidArgumentError`'s). */
  readonly code: "ERR_INVALID_ARGUMENT" = "ERR_INVALID_ARGUMENT";

  constructor(message: string) {
    super(message);
    this.name = "ArgumentRangeError";
  }
}
