// What command workers and tickers share: identity, counters (in `Outcomes`) and the executor
// chosen for them when they are built.

import type { Channel } from "@workers/channels";
import type { NormalizedWorker, WorkerFn } from "@workers/config";
import { buildExecutor } from "../dispatch/build.js";
import type { Executor } from "../dispatch/executor.js";
import type { ThreadDispatcher } from "../dispatch/types.js";
import type { DevGuard } from "../observability/dev-guard.js";
import type { ErrorSource, WorkerHost } from "../system/host.js";
import type { ModuleRef, WorkerInfo } from "../types.js";
import { type Job, Outcomes } from "./outcomes.js";

/** What building a worker needs besides its definition. */
export interface WorkerDeps {
  readonly host: WorkerHost;
  readonly dispatcher: ThreadDispatcher | undefined;
  readonly guard: DevGuard | undefined;
}

export abstract class Worker implements ErrorSource {
  readonly name: string;
  readonly info: WorkerInfo;
  readonly inChannel: string | undefined;
  readonly failChan: string | undefined;
  readonly thread: boolean;
  readonly ref: ModuleRef | undefined;
  readonly hasFunction: boolean;
  readonly outcomes: Outcomes;
  readonly executor: Executor;
  skippedTicks = 0;
  /** `pause()`d: takes (fires) nothing new until `resume()`. */
  paused = false;

  constructor(
    readonly host: WorkerHost,
    def: NormalizedWorker,
    deps: WorkerDeps,
  ) {
    this.name = def.name;
    this.thread = def.dispatch === "thread";
    this.info =
      def.in === undefined
        ? { name: def.name, kind: def.kind, dispatch: def.dispatch }
        : { name: def.name, kind: def.kind, dispatch: def.dispatch, in: def.in };
    this.inChannel = def.in;
    this.failChan = def.failChan;
    this.ref = def.workerRef;
    this.hasFunction = def.workerFn !== undefined || def.workerRef !== undefined;
    this.outcomes = new Outcomes(host, this, def.outputChan);
    const ctxChannels: Readonly<Record<string, Channel<unknown>>> = host.channelsFor(def.name);
    this.executor = buildExecutor({
      host,
      outcomes: this.outcomes,
      info: this.info,
      fn: this.thread ? undefined : guarded(def.workerFn, def.name, deps.guard),
      ref: def.workerRef,
      dispatcher: deps.dispatcher,
      ctxChannels,
      policies: def.kind === "command" ? { retry: def.retry, timeoutMs: def.timeoutMs } : {},
    });
  }

  /** Stops taking new messages (ticks); what runs finishes. */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
  }

  get processed(): number {
    return this.outcomes.processed;
  }

  get errors(): number {
    return this.outcomes.errors;
  }

  get inFlight(): number {
    return this.outcomes.inFlight;
  }

  /** Messages in flight (what `stop` waits for, then gives up on). */
  get jobs(): Iterable<Job> {
    return this.outcomes.jobs;
  }
}

/** With the dev guard on, every call of a go function is a watched stretch. */
function guarded(
  fn: WorkerFn | undefined,
  name: string,
  guard: DevGuard | undefined,
): WorkerFn | undefined {
  if (fn === undefined || guard === undefined) return fn;
  return (ctx, msg) => guard.call(name, msg, () => fn(ctx, msg));
}
