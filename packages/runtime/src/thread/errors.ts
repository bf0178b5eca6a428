/** Stable codes of the thread dispatcher's errors. */
export type ThreadErrorCode =
  | "ERR_THREAD_LOAD"
  | "ERR_THREAD_CRASHED"
  | "ERR_THREAD_QUEUE_FULL"
  | "ERR_THREAD_CLOSED"
  | "ERR_THREAD_OPTIONS";

/** Base class of the thread dispatcher's errors; `code` is stable, the message is not. */
export class ThreadError extends Error {
  readonly code: ThreadErrorCode;

  constructor(code: ThreadErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A thread worker's module could not be imported, or its export is not a function. */
export class ThreadLoadError extends ThreadError {
  /** The module URL that failed. */
  readonly url: string;
  /** The export that was looked up. */
  readonly exportName: string;

  constructor(url: string, exportName: string, message: string, options?: ErrorOptions) {
    super("ERR_THREAD_LOAD", message, options);
    this.url = url;
    this.exportName = exportName;
  }
}

/**
 * The thread running a message died (an exception thrown outside the task, `process.exit`,
 * running out of memory under `resourceLimits`, a result that cannot be cloned). The pool
 * replaces the thread; `cause` holds what killed it.
 */
export class ThreadCrashedError extends ThreadError {
  constructor(message: string, options?: ErrorOptions) {
    super("ERR_THREAD_CRASHED", message, options);
  }
}

/** The dispatcher's queue holds `maxQueue` messages already. */
export class ThreadQueueFullError extends ThreadError {
  constructor(maxQueue: number) {
    super("ERR_THREAD_QUEUE_FULL", `the thread queue is full (maxQueue ${maxQueue})`);
  }
}

/** The dispatcher was closed. */
export class ThreadClosedError extends ThreadError {
  constructor() {
    super("ERR_THREAD_CLOSED", "the thread pool is closed");
  }
}

/** Invalid `threads` options; the message names the field, what was expected and what came. */
export class ThreadOptionsError extends ThreadError {
  constructor(message: string) {
    super("ERR_THREAD_OPTIONS", message);
  }
}
