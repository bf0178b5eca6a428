/** Stable codes carried by every error this package throws. */
export type WorkersErrorCode =
  | "ERR_NOT_EXPOSED"
  | "ERR_STOPPED"
  | "ERR_TIMEOUT"
  | "ERR_DROPPED"
  | "ERR_INVALID_MESSAGE"
  | "ERR_UNKNOWN_CHANNEL"
  | "ERR_START"
  | "ERR_INVALID_ARGUMENT"
  | ThreadErrorCode;

/** Stable codes of the thread pool's errors (a subset of {@link WorkersErrorCode}). */
export type ThreadErrorCode =
  | "ERR_THREAD_LOAD"
  | "ERR_THREAD_CRASHED"
  | "ERR_THREAD_QUEUE_FULL"
  | "ERR_THREAD_CLOSED"
  | "ERR_THREAD_OPTIONS";

/** Base class of the errors thrown by `@workers/runtime`; `code` is stable, the message is not. */
export class WorkersError extends Error {
  /** Stable, machine-readable code. */
  readonly code: WorkersErrorCode;

  constructor(code: WorkersErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * `command` / `request` named a worker that does not exist or is not `expose: true`.
 * Code `ERR_NOT_EXPOSED`.
 */
export class NotExposedError extends WorkersError {
  /** The worker name that was asked for. */
  readonly worker: string;

  constructor(worker: string, exposed: readonly string[]) {
    const list = exposed.length === 0 ? "none" : exposed.map((w) => `"${w}"`).join(", ");
    super(
      "ERR_NOT_EXPOSED",
      `No exposed worker "${worker}" (exposed workers: ${list}); set expose: true on a command worker to reach it from command/request`,
    );
    this.worker = worker;
  }
}

/**
 * The system is stopping or stopped: `command` / `request` are refused, and a request whose
 * message was still waiting at shutdown rejects with it. Code `ERR_STOPPED`.
 */
export class StoppedError extends WorkersError {
  constructor(
    message = "The workers system is stopping or stopped",
    options?: { cause?: unknown },
  ) {
    super("ERR_STOPPED", message, options);
  }
}

/** A `request` did not settle, or a run (the worker's `timeoutMs`) did not end, in time. Code `ERR_TIMEOUT`. */
export class TimeoutError extends WorkersError {
  /** The timeout that elapsed. */
  readonly timeoutMs: number;

  constructor(worker: string, timeoutMs: number, what: "request" | "run" | "command" = "request") {
    super(
      "ERR_TIMEOUT",
      what === "run"
        ? `A run of worker "${worker}" timed out after ${timeoutMs} ms`
        : what === "command"
          ? `A command to worker "${worker}" found no room in its input within ${timeoutMs} ms`
          : `Request to worker "${worker}" timed out after ${timeoutMs} ms`,
    );
    this.timeoutMs = timeoutMs;
  }
}

/**
 * A `request`'s message was dropped before it was processed: refused by a `drop` put mode
 * (`input-drop`) or discarded by a dropping or sliding buffer. Code `ERR_DROPPED`.
 */
export class DroppedError extends WorkersError {
  /** The drop reason, as in the `workers.drop` event. */
  readonly reason: string;
  /** The channel where the message was lost. */
  readonly channel: string;

  constructor(reason: string, channel: string) {
    super("ERR_DROPPED", `The message was dropped on channel "${channel}" (${reason})`);
    this.reason = reason;
    this.channel = channel;
  }
}

/**
 * `undefined` was given as a message (it is the channels' closed sentinel; use `null` for
 * "no value"). Code `ERR_INVALID_MESSAGE`.
 */
export class InvalidMessageError extends WorkersError {
  constructor(
    message = "A message cannot be undefined (it means closed on a channel); use null",
    options?: { cause?: unknown },
  ) {
    super("ERR_INVALID_MESSAGE", message, options);
  }
}

/** A thread worker's `ctx.channels[name]` named a channel the definition does not declare. Code `ERR_UNKNOWN_CHANNEL`. */
export class UnknownChannelError extends WorkersError {
  /** The channel name that was asked for. */
  readonly channel: string;

  constructor(channel: string) {
    super("ERR_UNKNOWN_CHANNEL", `No channel "${channel}" in the definition`);
    this.channel = channel;
  }
}

/**
 * An argument of a call (an option of `request`, `stop`, `startWorkers`...) is of the wrong
 * type or out of range: a duration that is not a number in 1..2^31-1 ms (or `Infinity` where
 * documented as "no deadline"), options that are not an object, a `signal` that is not an
 * `AbortSignal`. The message names the argument, what was expected and what came. Code
 * `ERR_INVALID_ARGUMENT`.
 */
export class InvalidArgumentError extends WorkersError {
  /** The argument, as a path (`request options.timeoutMs`). */
  readonly argument: string;

  constructor(argument: string, expected: string, got: unknown) {
    super("ERR_INVALID_ARGUMENT", `${argument}: expected ${expected}, got ${describe(got)}`);
    this.argument = argument;
  }
}

function describe(value: unknown): string {
  if (typeof value === "number" || typeof value === "boolean" || value == null) {
    return String(value);
  }
  if (typeof value === "string")
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  return typeof value;
}

/**
 * `workersComponent().start` was called without a definition, or while the component was
 * already started. (A failing `startWorkers` rethrows the original error.) Code `ERR_START`.
 */
export class StartError extends WorkersError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("ERR_START", message, options);
  }
}

/**
 * Base class of the thread pool's errors (`dispatch: "thread"`); a {@link WorkersError} whose
 * `code` is one of {@link ThreadErrorCode}.
 */
export class ThreadError extends WorkersError {
  declare readonly code: ThreadErrorCode;

  constructor(code: ThreadErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/**
 * A thread worker's module (or the `threads.setup` module) could not be imported in a thread,
 * or its export is not a function; fails `startWorkers` with the import error as `cause`. For a
 * syntax error (the module's own or one it imports), the message names the file, line and
 * column (`/app/workers.js:4:11`). Code `ERR_THREAD_LOAD`.
 */
export class ThreadLoadError extends ThreadError {
  /** The module URL that failed: the worker's module, or the `threads.setup` module. */
  readonly url: string;
  /** The export that was looked up; `""` for the `threads.setup` module. */
  readonly exportName: string;

  constructor(url: string, exportName: string, message: string, options?: { cause?: unknown }) {
    super("ERR_THREAD_LOAD", message, options);
    this.url = url;
    this.exportName = exportName;
  }
}

/**
 * The thread running a message died (an exception thrown outside the task, `process.exit`,
 * running out of memory under `resourceLimits`, a result that cannot be cloned). The pool
 * replaces the thread; `cause` holds what killed it. Code `ERR_THREAD_CRASHED`.
 */
export class ThreadCrashedError extends ThreadError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("ERR_THREAD_CRASHED", message, options);
  }
}

/** The thread pool's queue holds `maxQueue` messages already. Code `ERR_THREAD_QUEUE_FULL`. */
export class ThreadQueueFullError extends ThreadError {
  constructor(maxQueue: number) {
    super("ERR_THREAD_QUEUE_FULL", `the thread queue is full (maxQueue ${maxQueue})`);
  }
}

/** The thread pool was closed (the system stopped). Code `ERR_THREAD_CLOSED`. */
export class ThreadClosedError extends ThreadError {
  constructor() {
    super("ERR_THREAD_CLOSED", "the thread pool is closed");
  }
}

/**
 * Invalid `threads` options; the message names the field, what was expected and what came.
 * Code `ERR_THREAD_OPTIONS`.
 */
export class ThreadOptionsError extends ThreadError {
  constructor(message: string) {
    super("ERR_THREAD_OPTIONS", message);
  }
}
