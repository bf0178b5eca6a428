// Workers' identity and the thread pool's options and figures.

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

/**
 * Pool figures for `stats().threads`. `runTimeMs` (a pool task's time from posting to its
 * result) and `waitTimeMs` (the oldest message's wait in the queue before its task was
 * posted) are percentiles over the last 60 s (a sliding window, so they never go stale).
 */
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
