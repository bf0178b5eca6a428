import type { BufferType, Channel } from "@workers/channels";
import type {
  ChannelName,
  ExposedWorkerName,
  MessageOf,
  NormalizedDefinition,
  ResultOf,
  WorkersDefinitionInput,
} from "@workers/config";
import type { ThreadOptions, ThreadPoolStats, WorkerInfo } from "./internal/dispatch.js";

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

/** Where `inject` is called from. */
export interface InjectInfo {
  /** The channel the message is put on. */
  readonly channel: string;
  /** The worker putting it (absent for `command` / `request`). */
  readonly workerId?: string;
}

/** What `around` wraps. */
export interface ProcessInfo {
  readonly workerId: string;
  /** The input channel (absent for tickers). */
  readonly channel?: string;
  readonly dispatch: "go" | "thread";
  readonly messageId: string;
  /**
   * Epoch ms when the message was put by `command`/`request`, or by a worker's `ctx.channels`
   * put onto this input channel, while the system is instrumented; absent for raw values and
   * ticks.
   */
  readonly enqueuedAt?: number;
}

/**
 * Hooks an observability component may have (beside its emitter), so tracing works without
 * the runtime knowing OpenTelemetry. All optional.
 */
export interface Instrumentation {
  /**
   * Called synchronously in the producer's context for every message put by `command`,
   * `request`, a worker's `ctx.channels[...]` put/offer, an output offer and a ticker's offer;
   * writes trace context into `headers`. For thread dispatch it is called again inside
   * `around`'s `run`, so the headers sent to the thread carry the process context.
   */
  inject?(headers: Headers, info: InjectInfo): void;
  /**
   * Called on the main thread around each processing; must return `run()`'s promise (settling
   * as it settles), running it in the context it extracts from `headers`.
   */
  around?<T>(info: ProcessInfo, headers: Readonly<Headers>, run: () => Promise<T>): Promise<T>;
  /** Called once when the system has started (read `stats()` for gauges here). */
  attach?(system: WorkersSystem<any>): void;
}

/** An observability component: an emitter function, an object with `emit`, or a logger; plus optional hooks. */
export type Observability =
  | (EmitFn & Instrumentation)
  | ({ emit: EmitFn } & Instrumentation)
  | (WorkersLogger & Instrumentation);

/**
 * The components handed to `startWorkers` and to workers as `ctx.components`. The emitter is
 * the first of `observability`, `obs`, `logger` that is present.
 */
export interface Components {
  readonly observability?: Observability | undefined;
  readonly obs?: Observability | undefined;
  readonly logger?: Observability | undefined;
  readonly [name: string]: unknown;
}

/** Options of `startWorkers`. */
export interface StartOptions {
  /** Watch go workers and ticker functions for synchronous stretches over `guardMs`. @default false */
  readonly devGuard?: boolean;
  /** @default 50 */
  readonly guardMs?: number;
  /** The thread pool (only created when a worker has `dispatch: "thread"`). */
  readonly threads?: ThreadOptions;
  /** What relative function references of a raw definition resolve against. @default the working directory */
  readonly baseUrl?: string | URL;
}

/** Options of `stop`. */
export interface StopOptions {
  /** Let buffered and in-flight work finish (until quiescent or the deadline). @default true */
  readonly drain?: boolean;
  /** The deadline, from the call. @default 30000 */
  readonly timeoutMs?: number;
}

/** Options of `request`. */
export interface RequestOptions {
  /** Rejects with `TimeoutError` after this long and aborts the worker's `ctx.signal`. */
  readonly timeoutMs?: number;
  /** Aborting rejects with the signal's reason and aborts the worker's `ctx.signal`. */
  readonly signal?: AbortSignal;
}

/** p50/p95/p99/max in milliseconds (from a bounded log-linear histogram, buckets at most ~3% wide). */
export interface LatencySummary {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/** One worker in `stats().workers`. */
export interface WorkerStats {
  readonly kind: "command" | "ticker";
  readonly dispatch: "go" | "thread";
  /** Messages (ticks) whose function returned. */
  readonly processed: number;
  /** Messages (ticks) whose function threw or rejected. */
  readonly errors: number;
  /** Messages being processed now. */
  readonly inFlight: number;
  /** Ticker slots skipped (previous tick still running, or missed during a stall). */
  readonly skippedTicks: number;
  /**
   * Processing time (function call to outcome handled, output offer included). Sampled: the
   * first 64 messages, then one in 128 (and asynchronous ones started while idle).
   */
  readonly latencyMs: LatencySummary;
}

/** One channel in `stats().channels`. */
export interface ChannelStats {
  readonly size: number;
  readonly capacity: number;
  readonly bufferType: BufferType;
  readonly pendingPuts: number;
  readonly pendingTakes: number;
  /** Values its dropping/sliding buffer discarded. */
  readonly drops: number;
  readonly closed: boolean;
}

/** `stats()`: plain JSON, a superset of the seed's `{ drops, errors }`. */
export interface StatsSnapshot {
  /** Epoch ms. */
  readonly at: number;
  readonly uptimeMs: number;
  /** Drop events per channel (every reason). */
  readonly drops: Readonly<Record<string, number>>;
  /** Errors per worker. */
  readonly errors: Readonly<Record<string, number>>;
  readonly workers: Readonly<Record<string, WorkerStats>>;
  readonly channels: Readonly<Record<string, ChannelStats>>;
  /** The thread pool, when the system has one. */
  readonly threads?: ThreadPoolStats;
}

/** What a go worker function receives as `ctx`. */
export interface WorkerContext<C = Components> {
  readonly components: C;
  /**
   * Every channel by name. `put`/`putAsync`/`offer` into a worker's input channel wrap the
   * value in an envelope (headers from `inject`); the other members are the channel's own.
   */
  readonly channels: Readonly<Record<string, Channel<unknown>>>;
  readonly worker: WorkerInfo;
  /** The message's headers (empty for raw values and ticks). */
  readonly headers: Readonly<Headers>;
  /** Aborted when a request times out or is aborted, or when `stop` gives up on in-flight work. */
  readonly signal: AbortSignal;
  /** The current stats snapshot. */
  stats(): StatsSnapshot;
  /** Sends an event to the system's emitter. */
  emit(event: WorkersEvent | CustomEvent): void;
}

// `WorkersSystem<any>` (what hooks such as `attach` receive) accepts any name and message.
type IsAny<T> = 0 extends 1 & T ? true : false;
type SystemChannelName<D> = IsAny<D> extends true ? string : ChannelName<D>;
type SystemWorkerName<D> = IsAny<D> extends true ? string : ExposedWorkerName<D>;
type SystemMessage<D, W> = IsAny<D> extends true ? any : MessageOf<D, W>;
type SystemResult<D, W> = IsAny<D> extends true ? any : ResultOf<D, W>;

/** A running system, typed by its definition. */
export interface WorkersSystem<D = WorkersDefinitionInput> {
  /** Every channel by name: input channels carry `Envelope`s, the others plain values. */
  readonly channels: Readonly<Record<SystemChannelName<D>, Channel<unknown>>>;
  /** The normalized definition it runs. */
  readonly definition: NormalizedDefinition;
  /** `"running"`, then `"stopping"` once `stop` is called, `"stopped"` when it is done. */
  readonly state: "running" | "stopping" | "stopped";
  /**
   * Sends `msg` to an exposed worker by its input channel's `putMode` (`async` -> `putAsync`,
   * `block` -> awaited `put`, `drop` -> `offer`, a refusal emitting an `input-drop`).
   * Resolves to whether the message was accepted.
   * @throws NotExposedError (`ERR_NOT_EXPOSED`), StoppedError (`ERR_STOPPED`),
   * InvalidMessageError (`ERR_INVALID_MESSAGE`), PendingLimitError (`ERR_PENDING_LIMIT`), as rejections
   */
  command<W extends SystemWorkerName<D>>(worker: W, msg: SystemMessage<D, W>): Promise<boolean>;
  /**
   * Sends `msg` and resolves with the worker's return value. Always settles: rejects with the
   * worker's error, `DroppedError`, `TimeoutError`, `StoppedError`, `NotExposedError`,
   * `InvalidMessageError`, or the signal's reason.
   */
  request<W extends SystemWorkerName<D>>(
    worker: W,
    msg: SystemMessage<D, W>,
    options?: RequestOptions,
  ): Promise<SystemResult<D, W>>;
  /** A plain-JSON snapshot. */
  stats(): StatsSnapshot;
  /**
   * Refuses new work, stops tickers, drains (by default) until quiescent or `timeoutMs`, aborts
   * what is left, reports it as `shutdown` drops and closes the channels and the thread pool.
   * Idempotent: every call returns the same promise.
   */
  stop(options?: StopOptions): Promise<void>;
  /** `stop()` with the defaults, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}
