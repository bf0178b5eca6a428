// The seam between a worker loop (main thread) and where its function runs.
// `go` workers call their function directly; `thread` workers go through a ThreadDispatcher,
// which owns the piscina pool, the thread-side ctx and the channel proxies.

import type { ModuleRef, ThreadOptions, ThreadPoolStats, WorkerInfo } from "../types.js";

export type { ModuleRef, ThreadOptions, ThreadPoolStats, WorkerInfo };

/**
 * A `ctx.channels[channel].put` / `.offer` made by a thread worker, carried out on the main
 * thread by the runtime (which wraps the value in an envelope when the channel is a worker's
 * input, calls `inject`, and counts drops). Resolves to whether the value was accepted; `put`
 * resolves only once the channel accepted it (backpressure reaches the thread).
 */
export type ChannelOp = (request: {
  readonly workerId: string;
  readonly channel: string;
  readonly op: "put" | "offer";
  readonly value: unknown;
  /**
   * The issuing message's signal while it is unsettled: a `put` still parked when it aborts
   * ends with its reason. `undefined` for operations made outside a message (module scope,
   * or after the message settled).
   */
  readonly signal?: AbortSignal | undefined;
}) => Promise<boolean>;

/**
 * Runs a function in a captured async context: what `AsyncLocalStorage.snapshot()` returns.
 */
export type ContextRunner = <R>(fn: () => R) => R;

/** One message for a thread worker. */
export interface ThreadTask {
  readonly worker: WorkerInfo;
  readonly ref: ModuleRef;
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string>>;
  readonly messageId: string;
  /** Which run of the message this is (`ctx.attempt`); 1 when absent. */
  readonly attempt?: number | undefined;
  /** Aborting it aborts `ctx.signal` in the thread and cancels the task in the pool. */
  readonly signal: AbortSignal;
  /**
   * With `captureContext`: the async context the message's channel operations are carried out
   * in; by default the context of the `run()` / `runBatch()` call.
   */
  readonly context?: ContextRunner | undefined;
}

/** The outcome of one message of a batch. */
export type TaskOutcome =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: unknown };

/** Runs thread workers' messages in the system's pool. */
export interface ThreadDispatcher {
  /** Imports each module once in a thread; rejects with the import error as `cause`. */
  load(refs: readonly ModuleRef[]): Promise<void>;
  /** Runs one message; resolves with the result, rejects with the worker's error rebuilt. */
  run(task: ThreadTask): Promise<unknown>;
  /** Runs several messages of one worker in one pool task; one outcome per task, in order. */
  runBatch(tasks: readonly ThreadTask[]): Promise<TaskOutcome[]>;
  stats(): ThreadPoolStats;
  /** Waits for running tasks to settle, then destroys the pool. */
  close(): Promise<void>;
}

export interface ThreadDispatcherOptions {
  readonly threads: ThreadOptions;
  readonly channelOp: ChannelOp;
  /**
   * Carry out each thread channel operation in the async context of the message that issued
   * it (its `context`, else the `run()` / `runBatch()` call's), so `inject` sees that
   * message's trace context. Set when the system is instrumented; off, nothing is captured.
   * @default false
   */
  readonly captureContext?: boolean;
}
