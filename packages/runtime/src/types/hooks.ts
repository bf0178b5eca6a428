// Components, instrumentation hooks and the `ctx` of a go worker.

import type { Channel } from "@workers/channels";
import type { CustomEvent, EmitFn, Headers, WorkersEvent, WorkersLogger } from "./events.js";
import type { StatsSnapshot } from "./stats.js";
import type { WorkersSystem } from "./system.js";
import type { WorkerInfo } from "./threads.js";

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
  /** Which run of the message this is (1-based), for a worker with `retry`. */
  readonly attempt?: number;
  /** Whether this run is the message's last (its failure fails the message), with `retry`. */
  readonly lastAttempt?: boolean;
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

/** `ctx.delivery`: which delivery of a message from a transport that redelivers this is. */
export interface DeliveryInfo {
  /** The message's id, the same on every delivery. */
  readonly id: string;
  /** 1 on the first delivery. */
  readonly attempt: number;
  readonly redelivered: boolean;
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
  /**
   * Which run of the message this is: 1, then 2, 3... when the worker's `retry` runs it again.
   */
  readonly attempt: number;
  /**
   * The delivery, for a message from a transport that redelivers (NATS): idempotent workers
   * key on `delivery.id`, stable across redeliveries. Absent in memory.
   */
  readonly delivery?: DeliveryInfo | undefined;
  /** Aborted when a request times out or is aborted, or when `stop` gives up on in-flight work. */
  readonly signal: AbortSignal;
  /** The current stats snapshot. */
  stats(): StatsSnapshot;
  /** Sends an event to the system's emitter. */
  emit(event: WorkersEvent | CustomEvent): void;
}
