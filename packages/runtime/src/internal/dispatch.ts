// The seam between a worker loop (main thread) and where its function runs.
// `go` workers call their function directly; `thread` workers go through a ThreadDispatcher,
// which owns the piscina pool, the thread-side ctx and the channel proxies.

/** Identity of a worker as the function sees it in `ctx.worker`. */
export interface WorkerInfo {
  readonly name: string;
  readonly kind: "command" | "ticker";
  readonly dispatch: "go" | "thread";
  readonly in?: string;
}

/** A resolved module reference: the module URL and the export holding the worker function. */
export interface ModuleRef {
  readonly url: string;
  readonly exportName: string;
}

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

/** Thread pool options (`startWorkers(..., { threads })`, `workersComponent({ threads })`). */
export interface ThreadOptions {
  /**
   * Threads kept alive; more start on demand up to `max`.
   * @default 1
   */
  readonly min?: number;
  /**
   * Most threads at once.
   * @default the number of cores - 1, at least 2 (2 on a 2-core machine, 63 on 64 cores)
   */
  readonly max?: number;
  /**
   * A thread above `min` stops after being idle this long (ms).
   * @default 30000
   */
  readonly idleTimeoutMs?: number;
  /**
   * Messages waiting for a thread; beyond it a message fails with `ThreadQueueFullError`.
   * @default 1024 per thread (`max`), at least 4096
   */
  readonly maxQueue?: number;
  /**
   * Tasks run concurrently in one thread (async worker functions overlap; the next tasks wait
   * in the thread, so it never idles between them).
   * @default 4
   */
  readonly concurrentTasksPerThread?: number;
  /**
   * Worker-thread `resourceLimits` (e.g. `maxOldGenerationSizeMb`).
   * @default none: Node's defaults
   */
  readonly resourceLimits?: {
    readonly maxOldGenerationSizeMb?: number;
    readonly maxYoungGenerationSizeMb?: number;
    readonly stackSizeMb?: number;
  };
  /**
   * A module (path or URL) imported once in every thread before its first task. Optional
   * exports: `around(info, headers, run)` wraps each task in the thread (the otel package uses
   * it to make the process span's context active there); `shutdown()` is called in every thread
   * that imported the module when the pool closes at `stop`, and awaited (up to
   * `shutdownTimeoutMs`) before the threads end: flush exporters and close per-thread
   * resources there. Threads that stop after `idleTimeoutMs` end without it.
   * @default none
   */
  readonly setup?: string;
  /**
   * How long `stop` waits for the setup module's `shutdown()` in the threads (ms); a hook
   * still running then is left behind (a process warning, code `WORKERS_THREAD_SHUTDOWN`,
   * says so) and its thread ends.
   * @default 5000
   */
  readonly shutdownTimeoutMs?: number;
  /**
   * Node.js flags for the threads, after the ones they inherit from the process (e.g.
   * `["--conditions=development"]`, or `["--import", "./thread-preload.js"]`). Flags a worker
   * thread refuses (`--expose-gc`, `--max-old-space-size`) are left out of the inherited ones;
   * here they make `startWorkers` fail (`ERR_WORKER_INVALID_EXEC_ARGV`).
   * @default none: the process's flags only
   */
  readonly execArgv?: readonly string[];
  /**
   * Run the process's loaders in the threads: its `--import`, `--require` and `--loader`
   * modules (command line and `NODE_OPTIONS`), so thread modules load as the main module does
   * (`node --import tsx main.ts` runs `.ts` thread modules; tsx's hooks, which do not register
   * in threads on Node 20 by themselves, are registered there through tsx's API). `false`
   * drops those flags from the threads' `execArgv` and `NODE_OPTIONS` (add what the threads
   * need with `execArgv`).
   * @default true
   */
  readonly inheritLoaders?: boolean;
}

/** Pool figures for `stats().threads`. */
export interface ThreadPoolStats {
  readonly threads: number;
  readonly utilization: number;
  readonly queueSize: number;
  readonly completed: number;
  readonly runTimeMs: {
    readonly p50: number;
    readonly p95: number;
    readonly p99: number;
    readonly max: number;
  };
  readonly waitTimeMs: {
    readonly p50: number;
    readonly p95: number;
    readonly p99: number;
    readonly max: number;
  };
}

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
