// The running system and the options of its methods.

import type { Channel } from "@workers/channels";
import type {
  ChannelName,
  ExposedWorkerName,
  MessageOf,
  NormalizedDefinition,
  ResultOf,
  WorkersDefinitionInput,
} from "@workers/config";
import type { Transport } from "../transport/types.js";
import type { CustomEvent, WorkersEvent } from "./events.js";
import type { StatsSnapshot } from "./stats.js";
import type { ThreadOptions } from "./threads.js";

/** Options of `startWorkers`. */
export interface StartOptions {
  /** Watch go workers and ticker functions for synchronous stretches over `guardMs`. @default false */
  readonly devGuard?: boolean;
  /** How long a synchronous stretch may last before the dev guard reports it (ms). @default 50 */
  readonly guardMs?: number;
  /**
   * The thread pool (only created when a worker has `dispatch: "thread"`).
   * @default {} (each `ThreadOptions` default)
   */
  readonly threads?: ThreadOptions;
  /** What relative function references of a raw definition resolve against. @default the working directory */
  readonly baseUrl?: string | URL;
  /**
   * Transports by name, for channels whose definition names one (`transport: "nats"`); a
   * channel that names none lives in memory. A name not given here fails the start with
   * `ConfigError` (`ERR_CONFIG`).
   * @default {} (every channel in memory)
   */
  readonly transports?: Readonly<Record<string, Transport>>;
  /**
   * Start with every worker paused (as core.async.flow's processes start): wire consumers of
   * outputs first, then `resume()`.
   * @default false
   */
  readonly paused?: boolean;
}

/** Options of `stop`. */
export interface StopOptions {
  /** Let buffered and in-flight work finish (until quiescent or the deadline). @default true */
  readonly drain?: boolean;
  /** The deadline, from the call (ms); `Infinity`: none; 0: give up at once. @default 30000 */
  readonly timeoutMs?: number;
}

/** Options of `command`: limits on how long a `block`-mode command waits for room. */
export interface CommandOptions {
  /**
   * A `block`-mode command gives up after this long (ms): the message is not accepted and the
   * command rejects with `TimeoutError`. Other put modes never wait.
   * @default Infinity (waits as long as it takes)
   */
  readonly timeoutMs?: number;
  /**
   * Aborting gives up a `block`-mode command still waiting: not accepted, rejected with the
   * signal's reason.
   * @default none
   */
  readonly signal?: AbortSignal;
}

/** Options of `request`. */
export interface RequestOptions {
  /**
   * Rejects with `TimeoutError` after this long (ms) and aborts the worker's `ctx.signal`.
   * @default Infinity (no deadline)
   */
  readonly timeoutMs?: number;
  /**
   * Aborting rejects with the signal's reason and aborts the worker's `ctx.signal`.
   * @default none
   */
  readonly signal?: AbortSignal;
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
  command<W extends SystemWorkerName<D>>(
    worker: W,
    msg: SystemMessage<D, W>,
    options?: CommandOptions,
  ): Promise<boolean>;
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
   * Resolves once every input channel is empty, nothing is in flight and no thread put is
   * parked (p-queue's `onIdle`); at once when that is already so, or after `stop`.
   */
  onIdle(): Promise<void>;
  /**
   * Stops taking new messages from a worker's input (a ticker stops firing; its skipped ticks
   * count in `skippedTicks`), for one worker or, without a name, every worker; running messages
   * finish. `stats().workers[name].paused` says so.
   * @throws InvalidArgumentError (`ERR_INVALID_ARGUMENT`) for a name that is not a worker
   */
  pause(worker?: string): void;
  /** Takes again what `pause` stopped. */
  resume(worker?: string): void;
  /**
   * The system's events (or only those of `type`) as an async iterator, from now until
   * `workers.stop`, for code that prefers pulling to an emitter component. Events wait until
   * read: stop reading with `break` (or `return()`).
   */
  onEvent<T extends WorkersEvent["type"]>(
    type: T,
  ): AsyncIterableIterator<Extract<WorkersEvent, { type: T }>>;
  onEvent(type?: string): AsyncIterableIterator<WorkersEvent | CustomEvent>;
  /**
   * Refuses new work, stops tickers, drains (by default) until quiescent or `timeoutMs`, aborts
   * what is left, reports it as `shutdown` drops and closes the channels and the thread pool.
   * Idempotent: every call returns the same promise.
   */
  stop(options?: StopOptions): Promise<void>;
  /** `stop()` with the defaults, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}
