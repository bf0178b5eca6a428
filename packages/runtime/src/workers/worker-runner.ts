// What command workers and tickers share: calling the function (go or thread, with `around`
// and the dev guard when present) and accounting for each outcome exactly once.

import { AsyncLocalStorage } from "node:async_hooks";
import type { Channel } from "@workers/channels";
import type { NormalizedWorker, WorkerFn } from "@workers/config";
import type {
  ContextRunner,
  ModuleRef,
  TaskOutcome,
  ThreadTask,
  WorkerInfo,
} from "../dispatch/types.js";
import { Histogram } from "../observability/histogram.js";
import { EMPTY_HEADERS, isThenable, MessageEnvelope, nextMessageId } from "../system/envelope.js";
import type { Runtime } from "../system/runtime.js";
import type { Components, Headers, ProcessInfo, StatsSnapshot, WorkerContext } from "../types.js";

/** `ctx` of a go worker: shared parts are the runner's, per message only headers and signal. */
class GoContext implements WorkerContext {
  readonly components: Components;
  readonly channels: Readonly<Record<string, Channel<unknown>>>;
  readonly worker: WorkerInfo;
  readonly headers: Readonly<Headers>;
  readonly signal: AbortSignal;
  readonly stats: () => StatsSnapshot;
  readonly emit: WorkerContext["emit"];

  constructor(runner: WorkerRunner, headers: Readonly<Headers>, signal: AbortSignal) {
    this.components = runner.rt.components;
    this.channels = runner.ctxChannels;
    this.worker = runner.info;
    this.headers = headers;
    this.signal = signal;
    this.stats = runner.rt.statsFn;
    this.emit = runner.rt.emitFn;
  }
}

/**
 * A thread message as the dispatcher sees it. Its id is built only when read: the pool reads
 * it only when a setup module (whose `around` sees it) is configured.
 */
class RunnerThreadTask implements ThreadTask {
  #messageId: string | undefined = undefined;

  constructor(
    readonly worker: WorkerInfo,
    readonly ref: ModuleRef,
    readonly body: unknown,
    readonly headers: Readonly<Headers>,
    private readonly env: MessageEnvelope | undefined,
    readonly signal: AbortSignal,
    readonly context: ContextRunner | undefined,
  ) {}

  get messageId(): string {
    this.#messageId ??= this.env === undefined ? nextMessageId() : this.env.id;
    return this.#messageId;
  }
}

/** One message being processed asynchronously. `done` once its outcome is accounted for. */
export class Job {
  done = false;
  /** Part of a thread batch (the loop counts the batch, not its jobs). */
  batched = false;
  startedAt = 0;
  /** Settles (never rejects) once the processing settled; what `stop` waits for. */
  settled: Promise<void> | undefined = undefined;

  constructor(
    readonly env: MessageEnvelope | undefined,
    readonly body: unknown,
  ) {}
}

/**
 * Marks `run()`'s promise as handled (its outcome is recorded inside it) and returns it as is:
 * an `around` that does not pass the rejection on must not cause an unhandled rejection.
 */
function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

/** After the first LATENCY_WARMUP messages of a worker, one in LATENCY_SAMPLE is timed. */
const LATENCY_WARMUP = 64;
const LATENCY_SAMPLE = 128;

export abstract class WorkerRunner {
  readonly name: string;
  readonly info: WorkerInfo;
  readonly fn: WorkerFn | undefined;
  readonly ref: ModuleRef | undefined;
  readonly thread: boolean;
  readonly inChannel: string | undefined;
  readonly outputChan: string | undefined;
  readonly failChan: string | undefined;
  readonly ctxChannels: Readonly<Record<string, Channel<unknown>>>;
  private readonly outputChannel: Channel<unknown> | undefined;
  private readonly plainOutput: boolean;
  processed = 0;
  errors = 0;
  inFlight = 0;
  skippedTicks = 0;
  readonly latency: Histogram = new Histogram();
  /** Messages processing asynchronously. */
  readonly jobs: Set<Job> = new Set();
  private sampleTick = 0;
  /** Called when an asynchronously processed message (not a batch's) is accounted for. */
  protected onRelease: (() => void) | undefined = undefined;
  private readonly fast: boolean;
  /** Thread channel operations run in each message's async context (instrumented systems). */
  private readonly captureContext: boolean;
  /** A thread worker without `around`: one promise chain per message (or per batch). */
  private readonly fastThread: boolean;
  /** The ctx of messages with no headers and no signal of their own (read-only, shared). */
  private readonly plainCtx: GoContext;

  constructor(
    readonly rt: Runtime,
    readonly def: NormalizedWorker,
  ) {
    this.name = def.name;
    this.thread = def.dispatch === "thread";
    this.info =
      def.in === undefined
        ? { name: def.name, kind: def.kind, dispatch: def.dispatch }
        : { name: def.name, kind: def.kind, dispatch: def.dispatch, in: def.in };
    this.fn = def.workerFn;
    this.ref = def.workerRef;
    this.inChannel = def.in;
    this.outputChan = def.outputChan;
    this.failChan = def.failChan;
    this.ctxChannels = rt.channelsFor(def.name);
    this.outputChannel = def.outputChan === undefined ? undefined : rt.channels[def.outputChan];
    this.plainOutput = rt.obs.inject === undefined;
    this.fast = !this.thread && rt.obs.around === undefined && rt.guard === undefined;
    this.fastThread = this.thread && rt.obs.around === undefined;
    this.captureContext =
      this.thread && (rt.obs.around !== undefined || rt.obs.inject !== undefined);
    this.plainCtx = new GoContext(this, EMPTY_HEADERS, rt.stopSignal);
  }

  /**
   * Processes one message. Returns `undefined` when it completed synchronously (a go function
   * that returned a plain value or threw), otherwise a promise that settles once the outcome
   * is accounted for.
   */
  execute(env: MessageEnvelope | undefined, body: unknown): Promise<void> | undefined {
    if (!this.fast) {
      return this.fastThread
        ? this.executeThread(new Job(env, body))
        : this.executeJob(new Job(env, body));
    }
    const fn = this.fn!;
    // Without headers or a request's own signal every message's ctx is the same: share one.
    const ctx =
      env === undefined || (env.headers === EMPTY_HEADERS && env.abort === undefined)
        ? this.plainCtx
        : new GoContext(
            this,
            env.headers,
            env.abort === undefined ? this.rt.stopSignal : env.abort.signal,
          );
    // Clock reads are the most expensive part of a trivial message: the first messages of a
    // worker are all timed, then one in LATENCY_SAMPLE. An asynchronous one not sampled is
    // timed from its first await when the worker was idle (a low-rate worker has every
    // message timed).
    const tick = ++this.sampleTick;
    const startedAt =
      tick <= LATENCY_WARMUP || tick % LATENCY_SAMPLE === 0 ? performance.now() : -1;
    let result: unknown;
    try {
      result = fn(ctx, body);
    } catch (error) {
      this.failed(env, body, error, startedAt);
      return undefined;
    }
    // A primitive result (the common case of a trivial worker) skips the thenable check.
    if ((typeof result !== "object" && typeof result !== "function") || !isThenable(result)) {
      this.succeeded(env, body, result, startedAt);
      return undefined;
    }
    return this.trackAsync(env, body, result, startedAt);
  }

  // Kept out of `execute` so that its closures do not cost the synchronous path a context
  // allocation per message.
  private trackAsync(
    env: MessageEnvelope | undefined,
    body: unknown,
    result: PromiseLike<unknown>,
    startedAt: number,
  ): Promise<void> {
    const job = new Job(env, body);
    // An unsampled asynchronous message is timed from here when the worker was idle (so a
    // low-rate worker has every message timed), not at all when others are in flight.
    job.startedAt = startedAt >= 0 ? startedAt : this.inFlight === 0 ? performance.now() : -1;
    this.track(job);
    const settled = Promise.resolve(result).then(
      (value) => this.finish(job, true, value),
      (error: unknown) => this.finish(job, false, error),
    );
    job.settled = settled;
    return settled;
  }

  private track(job: Job): void {
    this.inFlight++;
    this.jobs.add(job);
  }

  /**
   * Records an outcome once (unless `stop` already reported the job), then frees its slot.
   * The outcome (output offer included) comes first, so a draining stop never sees the system
   * quiescent while a result is still on its way to the next worker.
   */
  private finish(job: Job, ok: boolean, value: unknown): void {
    if (job.done) return;
    job.done = true;
    try {
      if (ok) this.succeeded(job.env, job.body, value, job.startedAt);
      else this.failed(job.env, job.body, value, job.startedAt);
    } finally {
      this.release(job);
    }
  }

  private release(job: Job): void {
    this.inFlight--;
    this.jobs.delete(job);
    if (!job.batched) this.onRelease?.();
    this.rt.progress();
  }

  /** `stop` gave up on a job: report it as a `shutdown` drop; its late outcome is ignored. */
  abandon(job: Job): void {
    if (job.done) return;
    job.done = true;
    this.release(job);
    this.rt.shutdownDrop(this.name, this.inChannel, job.env, job.body);
  }

  /**
   * Something threw in the loop itself. A message it had taken but not handed to `execute`
   * fails (its error event, its request rejected); otherwise the error is reported alone.
   */
  protected fault(value: unknown, error: unknown): void {
    if (value === undefined) {
      this.rt.reportError(this, undefined, error);
      return;
    }
    if (typeof value === "object" && value instanceof MessageEnvelope) {
      this.failed(value, value.body, error, -1);
    } else {
      this.failed(undefined, value, error, -1);
    }
    this.rt.progress();
  }

  /** When a message's latency is measured: the first ones, then one in LATENCY_SAMPLE. */
  private sampledStart(): number {
    const tick = ++this.sampleTick;
    return tick <= LATENCY_WARMUP || tick % LATENCY_SAMPLE === 0 || this.inFlight === 0
      ? performance.now()
      : -1;
  }

  /** A thread message without `around`: straight to the pool, its outcome recorded once. */
  private executeThread(job: Job): Promise<void> {
    job.startedAt = this.sampledStart();
    this.track(job);
    let result: Promise<unknown>;
    try {
      result = this.rt.dispatcher!.run(this.threadTask(job));
    } catch (error) {
      result = Promise.reject(error);
    }
    const settled = result.then(
      (value) => this.finish(job, true, value),
      (error: unknown) => this.finish(job, false, error),
    );
    job.settled = settled;
    return settled;
  }

  /** A batch without `around`: one pool task, one promise chain for all its messages. */
  private executeThreadBatch(
    items: readonly { env: MessageEnvelope | undefined; body: unknown }[],
  ): Promise<void> {
    const n = items.length;
    const jobs = new Array<Job>(n);
    const tasks = new Array<ThreadTask>(n);
    const startedAt = this.sampledStart();
    for (let i = 0; i < n; i++) {
      const item = items[i]!;
      const job = new Job(item.env, item.body);
      job.batched = true;
      job.startedAt = startedAt;
      this.track(job);
      jobs[i] = job;
      tasks[i] = this.threadTask(job);
    }
    let result: Promise<TaskOutcome[]>;
    try {
      result = this.rt.dispatcher!.runBatch(tasks);
    } catch (error) {
      result = Promise.reject(error);
    }
    // Every job is accounted for even if recording one of them throws (the first throw is
    // rethrown afterwards, as a job's own chain would have).
    const finishAll = (outcomeOf: (i: number) => TaskOutcome): void => {
      let thrown: { error: unknown } | undefined;
      for (let i = 0; i < n; i++) {
        const outcome = outcomeOf(i);
        try {
          this.finish(jobs[i]!, outcome.ok, outcome.ok ? outcome.value : outcome.error);
        } catch (error) {
          thrown ??= { error };
        }
      }
      if (thrown !== undefined) throw thrown.error;
    };
    const settled = result.then(
      (list) =>
        finishAll(
          (i) =>
            list[i] ?? {
              ok: false,
              error: new Error("The thread pool returned no outcome for this message"),
            },
        ),
      (error: unknown) => finishAll(() => ({ ok: false, error })),
    );
    for (let i = 0; i < n; i++) jobs[i]!.settled = settled;
    return settled;
  }

  private executeJob(job: Job): Promise<void> {
    this.track(job);
    return this.process(job, () => handled(this.run(job)));
  }

  /**
   * Calls `run` inside `around` (when there is one) and accounts for the job's outcome once;
   * an `around` that throws synchronously fails the job like a rejection.
   */
  private process(job: Job, run: () => Promise<unknown>): Promise<void> {
    let processing: Promise<unknown>;
    try {
      const around = this.rt.obs.around;
      processing =
        around === undefined ? run() : around(this.processInfo(job), this.headersOf(job), run);
    } catch (error) {
      processing = Promise.reject(error);
    }
    const settled = Promise.resolve(processing).then(
      (value) => this.finish(job, true, value),
      (error: unknown) => this.finish(job, false, error),
    );
    job.settled = settled;
    return settled;
  }

  /** The processing itself, inside `around`'s context. Its outcome is recorded here (in context). */
  private run(job: Job): Promise<unknown> {
    job.startedAt = performance.now();
    let result: unknown;
    try {
      result = this.thread ? this.rt.dispatcher!.run(this.threadTask(job)) : this.callGo(job);
    } catch (error) {
      this.finish(job, false, error);
      return Promise.reject(error);
    }
    return Promise.resolve(result).then(
      (value) => {
        this.finish(job, true, value);
        return value;
      },
      (error: unknown) => {
        this.finish(job, false, error);
        throw error;
      },
    );
  }

  private callGo(job: Job): unknown {
    const env = job.env;
    const ctx = new GoContext(
      this,
      this.headersOf(job),
      env?.abort === undefined ? this.rt.stopSignal : env.abort.signal,
    );
    const fn = this.fn!;
    const guard = this.rt.guard;
    return guard === undefined
      ? fn(ctx, job.body)
      : guard.call(this.name, job.body, () => fn(ctx, job.body));
  }

  /** Builds a thread task; called inside `around`'s run, so `inject` sees the process context. */
  threadTask(job: Job): ThreadTask {
    const inject = this.rt.obs.inject;
    let headers: Readonly<Headers> = this.headersOf(job);
    if (inject !== undefined) {
      const copy: Headers = { ...headers };
      const info =
        this.inChannel === undefined
          ? { channel: this.name, workerId: this.name }
          : { channel: this.inChannel, workerId: this.name };
      inject(copy, info);
      headers = copy;
    }
    // A request with a timeout or a signal has its own controller (aborted by either, and by
    // stop's deadline); every other message shares the system's stop signal, aborted at
    // stop's deadline: no controller, and one abort listener in the pool, per message.
    // Instrumented, the thread's channel operations are carried out in this context (inside
    // `around`'s run, one per message even in a batch), so `inject` sees the process span.
    return new RunnerThreadTask(
      this.info,
      this.ref!,
      job.body,
      headers,
      job.env,
      job.env?.abort?.signal ?? this.rt.stopSignal,
      this.captureContext ? AsyncLocalStorage.snapshot() : undefined,
    );
  }

  /**
   * A batch of thread messages in one pool task: each message still gets its own `around`
   * (and `inject`), the pool task starts once every message's `run` has been called.
   */
  executeBatch(
    items: readonly { env: MessageEnvelope | undefined; body: unknown }[],
  ): Promise<void> {
    if (this.fastThread) return this.executeThreadBatch(items);
    const n = items.length;
    const tasks: ThreadTask[] = new Array(n);
    const outcomes: {
      resolve: (value: unknown) => void;
      reject: (error: unknown) => void;
    }[] = new Array(n);
    let ready = 0;
    const startBatch = (): void => {
      let result: Promise<TaskOutcome[]>;
      try {
        result = this.rt.dispatcher!.runBatch(tasks);
      } catch (error) {
        result = Promise.reject(error);
      }
      result.then(
        (list) => {
          for (let i = 0; i < n; i++) {
            const outcome = list[i];
            if (outcome === undefined)
              outcomes[i]!.reject(
                new Error("The thread pool returned no outcome for this message"),
              );
            else if (outcome.ok) outcomes[i]!.resolve(outcome.value);
            else outcomes[i]!.reject(outcome.error);
          }
        },
        (error: unknown) => {
          for (let i = 0; i < n; i++) outcomes[i]!.reject(error);
        },
      );
    };
    const all: Promise<void>[] = [];
    for (let i = 0; i < n; i++) {
      const item = items[i]!;
      const job = new Job(item.env, item.body);
      job.batched = true;
      this.track(job);
      const run = (): Promise<unknown> => {
        job.startedAt = performance.now();
        const p = new Promise<unknown>((resolve, reject) => {
          outcomes[i] = { resolve, reject };
        }).then(
          (value) => {
            this.finish(job, true, value);
            return value;
          },
          (error: unknown) => {
            this.finish(job, false, error);
            throw error;
          },
        );
        tasks[i] = this.threadTask(job);
        if (++ready === n) startBatch();
        return handled(p);
      };
      all.push(this.process(job, run));
    }
    return Promise.all(all).then(() => undefined);
  }

  private headersOf(job: Job): Readonly<Headers> {
    return job.env === undefined ? EMPTY_HEADERS : job.env.headers;
  }

  private processInfo(job: Job): ProcessInfo {
    const messageId = job.env?.id ?? nextMessageId();
    const dispatch = this.def.dispatch;
    return this.inChannel === undefined
      ? { workerId: this.name, dispatch, messageId }
      : { workerId: this.name, channel: this.inChannel, dispatch, messageId };
  }

  /** Accounts for a success (latency includes the output offer). */
  private succeeded(
    env: MessageEnvelope | undefined,
    _body: unknown,
    value: unknown,
    startedAt: number,
  ): void {
    this.processed++;
    if (value !== undefined) {
      const out = this.outputChannel;
      if (out !== undefined) {
        // Without `inject` the result goes as it is: the hot path skips `deliver`'s lookups.
        if (this.plainOutput) {
          if (!out.offer(value)) this.rt.drop("output-drop", this.outputChan!, value, this.name);
        } else {
          this.rt.deliver(this.outputChan!, value, this.name, "output-drop");
        }
      }
    }
    env?.reply?.resolve(value);
    if (startedAt >= 0) this.latency.record(performance.now() - startedAt);
  }

  private failed(
    env: MessageEnvelope | undefined,
    body: unknown,
    error: unknown,
    startedAt: number,
  ): void {
    this.errors++;
    this.rt.reportError(this, body, error);
    env?.reply?.reject(error);
    if (startedAt >= 0) this.latency.record(performance.now() - startedAt);
  }
}
