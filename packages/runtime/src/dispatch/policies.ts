// `retry` and `timeoutMs` as a wrapper of a worker's call: each attempt runs (inside `around`,
// when there is one, as its own process span) with its own `ctx.signal`, aborted when the run
// times out; a failed attempt that is not the last waits out its backoff holding the worker's
// slot, then runs again. Only the last failure ends the message as failed; a success ends it
// at once. Either way it ends once, through `Outcomes`, inside the attempt's `run`.

import { backoffDelay, type NormalizedRetry } from "@workers/config";
import { TimeoutError } from "../errors.js";
import type { MessageEnvelope } from "../system/envelope.js";
import type { Delivery } from "../transport/types.js";
import type { Job } from "../workers/outcomes.js";
import { type Around, handled, headersOf, processInfo } from "./around.js";
import type { Executor, ExecutorTarget, Item } from "./executor.js";

/** Calls the worker once for an attempt, with the attempt's signal. */
export type AttemptCall = (item: Item, attempt: number, signal: AbortSignal) => unknown;

export interface Policies {
  readonly retry?: NormalizedRetry | undefined;
  readonly timeoutMs?: number | undefined;
}

/** What a backoff wait needs to know of `stop`: when it began, and its deadline. */
export interface StopSignals {
  /** Aborted when `stop` begins: a draining stop runs a waiting retry at once. */
  readonly stopping: AbortSignal;
  /** Aborted at `stop`'s deadline: a waiting retry gives up (a `shutdown` drop). */
  readonly stopSignal: AbortSignal;
}

const NOOP = (): void => {};

export class PolicyExecutor implements Executor {
  private readonly attempts: number;

  constructor(
    private readonly target: ExecutorTarget,
    private readonly around: Around | undefined,
    private readonly call: AttemptCall,
    private readonly policies: Policies,
    private readonly stop: StopSignals,
    private readonly random: () => number = Math.random,
  ) {
    this.attempts = policies.retry?.attempts ?? 1;
  }

  run(
    env: MessageEnvelope | undefined,
    body: unknown,
    delivery: Delivery | undefined,
  ): Promise<void> {
    const job = this.target.outcomes.begin(env, body, delivery, performance.now());
    const settled = this.runAttempts(job);
    job.settled = settled;
    return settled;
  }

  runBatch(items: readonly Item[]): Promise<void> {
    return Promise.all(items.map((item) => this.run(item.env, item.body, item.delivery))).then(
      NOOP,
    );
  }

  private async runAttempts(job: Job): Promise<void> {
    const delivery = job.delivery;
    if (delivery !== undefined) {
      // A transport that redelivers: one attempt per delivery; a failure that is not the last
      // goes back with `nak(backoff)` and comes again (here or elsewhere) as the next attempt.
      const attempt = Math.max(1, delivery.attempt);
      const last = attempt >= this.attempts;
      await this.attempt(job, attempt, last);
      if (!job.ended) {
        const retry = this.policies.retry!;
        this.target.outcomes.retryLater(job, backoffDelay(retry.backoffMs, attempt, this.random));
      }
      return;
    }
    for (let attempt = 1; ; attempt++) {
      await this.attempt(job, attempt, attempt >= this.attempts);
      if (job.ended) return;
      await this.backoff(this.policies.retry!, attempt);
      // Past stop's deadline the job is left in flight: stop gives up on it (a shutdown drop).
      if (job.ended || this.stop.stopSignal.aborted) return;
    }
  }

  /** Runs one attempt (inside `around`); ends the job on success, or on the last failure. */
  private attempt(job: Job, attempt: number, last: boolean): Promise<void> {
    const outcomes = this.target.outcomes;
    const run = (): Promise<unknown> =>
      handled(
        this.invoke(job, attempt).then(
          (value) => {
            outcomes.end(job, true, value);
            return value;
          },
          (error: unknown) => {
            if (last) outcomes.end(job, false, error);
            throw error;
          },
        ),
      );
    const around = this.around;
    if (around === undefined) return run().then(NOOP, NOOP);
    let processing: Promise<unknown>;
    try {
      const info = processInfo(this.target, job.env);
      processing = around(
        this.attempts > 1 ? { ...info, attempt, lastAttempt: last } : info,
        headersOf(job.env),
        run,
      );
    } catch (error) {
      processing = Promise.reject(error);
    }
    // An `around` that fails without running (or resolves without waiting) ends the job as
    // it says when `run` did not.
    return Promise.resolve(processing).then(
      (value) => outcomes.end(job, true, value),
      (error: unknown) => {
        if (last) outcomes.end(job, false, error);
      },
    );
  }

  /** Calls the worker with the attempt's signal; with `timeoutMs`, a run that takes longer fails. */
  private invoke(job: Job, attempt: number): Promise<unknown> {
    const parent = job.env?.abort?.signal ?? this.target.host.stopSignal;
    const controller = new AbortController();
    const abort = (): void => controller.abort(parent.reason);
    if (parent.aborted) abort();
    else parent.addEventListener("abort", abort, { once: true });
    const timeoutMs = this.policies.timeoutMs;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let result: Promise<unknown>;
    try {
      result = Promise.resolve(this.call(job, attempt, controller.signal));
    } catch (error) {
      result = Promise.reject(error);
    }
    if (timeoutMs !== undefined) {
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          // Aborted already (its request, stop's deadline): that decides how it ends.
          if (controller.signal.aborted) return;
          const error = new TimeoutError(this.target.info.name, timeoutMs, "run");
          controller.abort(error);
          reject(error);
        }, timeoutMs);
      });
      // The late outcome of a run that timed out is ignored.
      result.catch(NOOP);
      result = Promise.race([result, timedOut]);
    }
    return result.finally(() => {
      clearTimeout(timer);
      parent.removeEventListener("abort", abort);
    });
  }

  /** Waits out the backoff before attempt `attempt + 1`; `stop` ends the wait. */
  private backoff(retry: NormalizedRetry, attempt: number): Promise<void> {
    const ms = backoffDelay(retry.backoffMs, attempt, this.random);
    const { stopping, stopSignal } = this.stop;
    if (ms <= 0 || stopping.aborted || stopSignal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        stopping.removeEventListener("abort", done);
        stopSignal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      stopping.addEventListener("abort", done, { once: true });
      stopSignal.addEventListener("abort", done, { once: true });
    });
  }
}

/** Whether a worker has a policy that needs the wrapper. */
export function hasPolicies(policies: Policies): boolean {
  return (
    (policies.retry !== undefined && policies.retry.attempts > 1) ||
    policies.timeoutMs !== undefined
  );
}
