// Messages and events: what the runtime emits and what travels on input channels.

/** Message headers (trace context and the like); string to string. */
export type Headers = Record<string, string>;

/**
 * How a message travels on a worker's input channel. `command` and `request` wrap each message
 * in one; a raw value put straight onto an input channel is processed as a message with empty
 * headers.
 */
export interface Envelope<T = unknown> {
  /** Unique within the process. */
  readonly id: string;
  /** The message itself: what the worker function receives. */
  readonly body: T;
  /** Written by `inject` at the producer (trace context). */
  readonly headers: Readonly<Headers>;
  /**
   * When the message was put: epoch ms with sub-millisecond precision
   * (`performance.timeOrigin + performance.now()`). Stamped when the system is instrumented
   * (its observability component has `inject` or `around`); 0 otherwise, so that an
   * uninstrumented hot path reads no clock.
   */
  readonly enqueuedAt: number;
}

/**
 * Why a message was lost. The seed's `input-drop`, `output-drop`, `ticker-output-drop`,
 * `fail-chan-full`; `buffer-dropped` (a dropping buffer discarded the newest), `buffer-evicted`
 * (a sliding buffer evicted the oldest) and `shutdown` (still buffered or running when `stop`
 * gave up).
 */
export type DropEventReason =
  | "input-drop"
  | "output-drop"
  | "ticker-output-drop"
  | "fail-chan-full"
  | "buffer-dropped"
  | "buffer-evicted"
  | "shutdown";

/** A value was lost. `stats().drops[channel]` counts it. */
export interface DropEvent {
  readonly type: "workers.drop";
  /** The worker the value belonged to (absent for a buffer drop on a channel no worker reads). */
  readonly workerId?: string;
  /** Where the value was lost. */
  readonly channel: string;
  readonly reason: DropEventReason;
  /** The value that was lost: the message, the result (`output-drop`) or the error event (`fail-chan-full`). */
  readonly msg: unknown;
  /** Epoch ms. */
  readonly at: number;
}

/** A worker function threw or rejected. Offered to the worker's `failChan` (with `failChan` set). */
export interface ErrorEvent {
  readonly type: "workers.error";
  readonly workerId: string;
  readonly workerKind: "command" | "ticker";
  /** The worker's input channel (absent for tickers). */
  readonly channel?: string;
  /** The error's message. */
  readonly message: string;
  /** The message being processed (for a ticker, the tick number). */
  readonly msg: unknown;
  readonly error: unknown;
  /** The fail channel this event was offered to. */
  readonly failChan?: string;
  /** Epoch ms. */
  readonly at: number;
}

/** Dev guard: a go worker (or ticker function) held the event loop longer than `guardMs`. */
export interface GuardEvent {
  readonly type: "workers.guard";
  readonly workerId: string;
  /** How long one synchronous stretch of the worker ran. */
  readonly blockedMs: number;
  /** The message being processed (for a ticker, the tick number). */
  readonly msg: unknown;
  /** Human-readable, with the fix (`dispatch: "thread"`). */
  readonly message: string;
  /** Epoch ms. */
  readonly at: number;
}

/** The system started. */
export interface StartEvent {
  readonly type: "workers.start";
  readonly workers: readonly string[];
  readonly channels: readonly string[];
  /** Epoch ms. */
  readonly at: number;
}

/** The system stopped. */
export interface StopEvent {
  readonly type: "workers.stop";
  /** Whether stop drained (the `drain` option). */
  readonly drain: boolean;
  /** Whether the deadline passed before the system was quiescent. */
  readonly timedOut: boolean;
  /** How many `shutdown` drops stop reported. */
  readonly shutdownDrops: number;
  /**
   * Messages left in acknowledged transports (NATS) after stop, including the ones stop handed
   * back: neither lost nor dropped, they wait for the next consumer. 0 in memory.
   */
  readonly remaining: number;
  readonly durationMs: number;
  /** Epoch ms. */
  readonly at: number;
}

/** Every event the runtime emits. */
export type WorkersEvent = DropEvent | ErrorEvent | GuardEvent | StartEvent | StopEvent;

/** An event a worker emits through `ctx.emit` (any `type`). */
export interface CustomEvent {
  readonly type: string;
  readonly [key: string]: unknown;
}

/**
 * A function receiving every event (the runtime's, and custom ones from `ctx.emit`). Declared
 * bivariantly, so a function typed `(event: WorkersEvent) => void` fits.
 */
export type EmitFn = {
  bivarianceHack(event: WorkersEvent | CustomEvent): void;
}["bivarianceHack"];

/** A logger: drops and guards go to `warn`, errors to `error`, start/stop to `info`, each falling back to `log`. */
export interface WorkersLogger {
  warn?(event: WorkersEvent | CustomEvent): void;
  error?(event: WorkersEvent | CustomEvent): void;
  info?(event: WorkersEvent | CustomEvent): void;
  log?(event: WorkersEvent | CustomEvent): void;
}
