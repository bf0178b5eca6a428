// Thread dispatch seen from the worker's loop: each message (or batch) becomes a pool task of
// the system's ThreadDispatcher; outcomes come back and end each message through `Outcomes`.

import { AsyncLocalStorage } from "node:async_hooks";
import type { Channel } from "@workers/channels";
import { type MessageEnvelope, nextMessageId } from "../../system/envelope.js";
import type { Delivery } from "../../transport/types.js";
import type { Headers, ModuleRef, WorkerInfo } from "../../types.js";
import type { Job, Outcomes } from "../../workers/outcomes.js";
import { type Around, endWith, handled, headersOf, processAround } from "../around.js";
import { AttemptSignal } from "../attempt-signal.js";
import {
  type AttemptRunner,
  type DrainLoop,
  drainEach,
  type Executor,
  type ExecutorTarget,
  type Item,
} from "../executor.js";
import type { ContextRunner, TaskOutcome, ThreadDispatcher, ThreadTask } from "../types.js";

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
    readonly attempt: number | undefined,
  ) {}

  get messageId(): string {
    this.#messageId ??= this.env === undefined ? nextMessageId() : this.env.id;
    return this.#messageId;
  }
}

const NO_OUTCOME = (): TaskOutcome => ({
  ok: false,
  error: new Error("The thread pool returned no outcome for this message"),
});

/** Builds the pool tasks of one thread worker. */
class TaskBuilder {
  private readonly ref: ModuleRef;
  /** Channel operations run in each message's async context (instrumented systems). */
  private readonly captureContext: boolean;

  constructor(private readonly target: ExecutorTarget) {
    this.ref = target.ref!;
    const obs = target.host.obs;
    this.captureContext = obs.around !== undefined || obs.inject !== undefined;
  }

  /** Called inside `around`'s run when there is one, so `inject` sees the process context. */
  task(item: Item, signal?: AbortSignal, attempt?: number): ThreadTask {
    const host = this.target.host;
    const info = this.target.info;
    const inject = host.obs.inject;
    let headers: Readonly<Headers> = headersOf(item.env);
    if (inject !== undefined) {
      const copy: Headers = { ...headers };
      inject(
        copy,
        info.in === undefined
          ? { channel: info.name, workerId: info.name }
          : { channel: info.in, workerId: info.name },
      );
      headers = copy;
    }
    // A request with a timeout or a signal has its own controller (aborted by either, and by
    // stop's deadline); every other message shares the system's stop signal: no controller,
    // and one abort listener in the pool, per message.
    return new RunnerThreadTask(
      info,
      this.ref,
      item.body,
      headers,
      item.env,
      signal ?? item.env?.abort?.signal ?? host.stopSignal,
      this.captureContext ? AsyncLocalStorage.snapshot() : undefined,
      attempt,
    );
  }
}

/** A thread worker without `around`: one promise chain per message (or per batch). */
export class ThreadExecutor implements Executor {
  private readonly dispatcher: ThreadDispatcher;
  private readonly outcomes: Outcomes;
  private readonly tasks: TaskBuilder;

  constructor(target: ExecutorTarget) {
    this.dispatcher = target.dispatcher!;
    this.outcomes = target.outcomes;
    this.tasks = new TaskBuilder(target);
  }

  run(
    env: MessageEnvelope | undefined,
    body: unknown,
    delivery: Delivery | undefined,
  ): Promise<void> {
    const outcomes = this.outcomes;
    const job = outcomes.begin(env, body, delivery, outcomes.sampledStart(true));
    let result: Promise<unknown>;
    try {
      result = this.dispatcher.run(this.tasks.task(job));
    } catch (error) {
      result = Promise.reject(error);
    }
    const settled = result.then(
      (value) => outcomes.end(job, true, value),
      (error: unknown) => outcomes.end(job, false, error),
    );
    job.settled = settled;
    return settled;
  }

  drain(first: unknown, input: Channel<unknown>, loop: DrainLoop, max: number): number {
    return drainEach(this, first, input, loop, max);
  }

  runBatch(items: readonly Item[]): Promise<void> {
    const outcomes = this.outcomes;
    const n = items.length;
    const jobs = new Array<Job>(n);
    const tasks = new Array<ThreadTask>(n);
    const startedAt = outcomes.sampledStart(true);
    for (let i = 0; i < n; i++) {
      const item = items[i]!;
      const job = outcomes.begin(item.env, item.body, item.delivery, startedAt);
      job.batched = true;
      jobs[i] = job;
      tasks[i] = this.tasks.task(job);
    }
    let result: Promise<TaskOutcome[]>;
    try {
      result = this.dispatcher.runBatch(tasks);
    } catch (error) {
      result = Promise.reject(error);
    }
    // Every job ends even if ending one of them throws (the first throw is rethrown afterwards,
    // as a job's own chain would have).
    const endAll = (outcomeOf: (i: number) => TaskOutcome): void => {
      let thrown: { error: unknown } | undefined;
      for (let i = 0; i < n; i++) {
        const outcome = outcomeOf(i);
        try {
          outcomes.end(jobs[i]!, outcome.ok, outcome.ok ? outcome.value : outcome.error);
        } catch (error) {
          thrown ??= { error };
        }
      }
      if (thrown !== undefined) throw thrown.error;
    };
    const settled = result.then(
      (list) => endAll((i) => list[i] ?? NO_OUTCOME()),
      (error: unknown) => endAll(() => ({ ok: false, error })),
    );
    for (let i = 0; i < n; i++) jobs[i]!.settled = settled;
    return settled;
  }
}

/** Runs attempts of a thread worker with policies: each a pool task with the attempt's signal. */
export function threadAttempts(target: ExecutorTarget): AttemptRunner {
  const tasks = new TaskBuilder(target);
  const dispatcher = target.dispatcher!;
  return {
    open: (parent) => new AttemptSignal(parent),
    call: (signal, env, body, delivery, attempt) =>
      dispatcher.run(tasks.task({ env, body, delivery }, signal.signal, attempt)),
  };
}

/** Runs one message as a pool task (the call `around` wraps). */
export function threadCall(target: ExecutorTarget): (item: Item) => unknown {
  const tasks = new TaskBuilder(target);
  const dispatcher = target.dispatcher!;
  return (item) => dispatcher.run(tasks.task(item));
}

/**
 * A batch with `around`: each message still gets its own `around` (and `inject`); the pool
 * task starts once every message's `run` has been called.
 */
export function aroundThreadBatch(
  target: ExecutorTarget,
  around: Around,
): (items: readonly Item[]) => Promise<void> {
  const tasks = new TaskBuilder(target);
  const dispatcher = target.dispatcher!;
  const outcomes = target.outcomes;
  return (items) => {
    const n = items.length;
    const batch: ThreadTask[] = new Array(n);
    const settle: { resolve: (value: unknown) => void; reject: (error: unknown) => void }[] =
      new Array(n);
    let ready = 0;
    const start = (): void => {
      let result: Promise<TaskOutcome[]>;
      try {
        result = dispatcher.runBatch(batch);
      } catch (error) {
        result = Promise.reject(error);
      }
      result.then(
        (list) => {
          for (let i = 0; i < n; i++) {
            const outcome = list[i] ?? NO_OUTCOME();
            if (outcome.ok) settle[i]!.resolve(outcome.value);
            else settle[i]!.reject(outcome.error);
          }
        },
        (error: unknown) => {
          for (let i = 0; i < n; i++) settle[i]!.reject(error);
        },
      );
    };
    const all: Promise<void>[] = [];
    for (let i = 0; i < n; i++) {
      const item = items[i]!;
      const job = outcomes.begin(item.env, item.body, item.delivery, -1);
      job.batched = true;
      const run = (): Promise<unknown> => {
        job.startedAt = performance.now();
        const p = endWith(
          outcomes,
          job,
          new Promise<unknown>((resolve, reject) => {
            settle[i] = { resolve, reject };
          }),
        );
        batch[i] = tasks.task(job);
        if (++ready === n) start();
        return handled(p);
      };
      all.push(processAround(target, around, job, run));
    }
    return Promise.all(all).then(() => undefined);
  };
}
