// `retry` and `timeoutMs` as a wrapper of a worker's call: each attempt runs (inside `around`,
// when there is one, as its own process span) with its own `ctx.signal`, aborted when the run
// times out; a failed attempt that is not the last waits out its backoff holding the worker's
// slot, then runs again. Only the last failure ends the message as failed; a success ends it
// at once. Either way it ends once, through `Outcomes`, inside the attempt's `run`.

import type { Channel } from "@workers/channels";
import { backoffDelay, type NormalizedRetry } from "@workers/config";
import { TimeoutError } from "../errors.js";
import { EMPTY_HEADERS, isThenable, MessageEnvelope } from "../system/envelope.js";
import type { Delivery } from "../transport/types.js";
import type { Job, Outcomes } from "../workers/outcomes.js";
import { type Around, handled, headersOf, processInfo } from "./around.js";
import { AttemptSignal } from "./attempt-signal.js";
import {
  type AttemptRunner,
  type DrainLoop,
  drainEach,
  type Executor,
  type ExecutorTarget,
  type Item,
  type Policies,
  runEach,
} from "./executor.js";

/** What a backoff wait needs to know of `stop`: when it began, and its deadline. */
export interface StopSignals {
  /** Aborted when `stop` begins: a draining stop runs a waiting retry at once. */
  readonly stopping: AbortSignal;
  /** Aborted at `stop`'s deadline: a waiting retry gives up (a `shutdown` drop). */
  readonly stopSignal: AbortSignal;
}

const NOOP = (): void => {};

/** The signal source of a first attempt that needs none (no timeout): never aborted. */
const UNUSED = new AttemptSignal(new AbortController().signal);

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export class PolicyExecutor implements Executor {
  private readonly attempts: number;
  private readonly outcomes: Outcomes;
  /** Without `around`: the first attempt is called straight from the loop. */
  private readonly direct: boolean;
  /** Without a timeout: the first attempt's call, with the message's own `ctx`. */
  private readonly firstCall:
    | ((env: MessageEnvelope | undefined, body: unknown) => unknown)
    | undefined;
  /**
   * The signal source (a go worker's `ctx`) of a first attempt that ended synchronously without
   * anyone reading its signal, kept for the next message that needs the same one (no headers,
   * no signal of its own): a synchronous run cannot time out, so nothing of it is left.
   */
  private spare: AttemptSignal | undefined;

  constructor(
    private readonly target: ExecutorTarget,
    private readonly around: Around | undefined,
    private readonly attemptRunner: AttemptRunner,
    private readonly policies: Policies,
    private readonly stop: StopSignals,
    private readonly random: () => number = Math.random,
  ) {
    this.attempts = policies.retry?.attempts ?? 1;
    this.outcomes = target.outcomes;
    this.direct = around === undefined;
    this.firstCall = policies.timeoutMs === undefined ? attemptRunner.first : undefined;
    this.spare = undefined;
  }

  run(
    env: MessageEnvelope | undefined,
    body: unknown,
    delivery: Delivery | undefined,
  ): Promise<void> | undefined {
    if (this.direct && delivery === undefined) return this.runDirect(env, body);
    const job = this.outcomes.begin(env, body, delivery, performance.now());
    const settled =
      delivery === undefined ? this.attemptsFrom(job, 1) : this.deliveryAttempt(job, delivery);
    job.settled = settled;
    return settled;
  }

  drain(first: unknown, input: Channel<unknown>, loop: DrainLoop, max: number): number {
    if (!this.direct) return drainEach(this, first, input, loop, max);
    // `drainEach` with the first attempt's fast path called straight from the loop's body
    // (through `run` the 1-worker row with retry + timeoutMs costs about 5% more).
    let value = first;
    for (let n = 1; ; n++) {
      const pending =
        typeof value === "object" && value instanceof MessageEnvelope
          ? this.runDirect(value, value.body)
          : this.runDirect(undefined, value);
      if (pending !== undefined) {
        loop.started();
        return n;
      }
      if (n >= max || loop.gated) return n;
      value = input.poll();
      if (value === undefined) return n;
    }
  }

  runBatch(items: readonly Item[]): Promise<void> {
    return runEach(this, items);
  }

  /**
   * The first attempt without `around`, as a go worker's fast path: a run that returns a plain
   * value ends the message at once (no job, no timer: a synchronous run cannot time out).
   */
  private runDirect(env: MessageEnvelope | undefined, body: unknown): Promise<void> | undefined {
    const outcomes = this.outcomes;
    const runner = this.attemptRunner;
    // Without a timeout the first attempt runs with its message's own signal: nothing to make.
    const first = this.firstCall;
    const plain = env === undefined || (env.headers === EMPTY_HEADERS && env.abort === undefined);
    let signal = UNUSED;
    if (first === undefined) {
      const spare = plain ? this.spare : undefined;
      if (spare === undefined) signal = runner.open(this.parentSignal(env), env, undefined, 1);
      else {
        this.spare = undefined;
        signal = spare;
      }
    }
    const startedAt = outcomes.sampledStart(false);
    let result: unknown;
    try {
      result =
        first === undefined ? runner.call(signal, env, body, undefined, 1) : first(env, body);
    } catch (error) {
      signal.dispose();
      if (this.attempts <= 1) {
        outcomes.fail(env, body, error, startedAt, undefined);
        return undefined;
      }
      const job = this.beginFirst(env, body, startedAt);
      job.settled = this.retryAfter(job, 1);
      return job.settled;
    }
    if ((typeof result !== "object" && typeof result !== "function") || !isThenable(result)) {
      if (plain && signal !== UNUSED && signal.untouched) this.spare = signal;
      else signal.dispose();
      outcomes.succeed(env, result, startedAt, undefined);
      return undefined;
    }
    const job = this.beginFirst(env, body, startedAt);
    job.settled = this.settleFirst(job, result, signal);
    return job.settled;
  }

  /** The job of a first attempt that did not end at once, timed from its start (sampled or not). */
  private beginFirst(env: MessageEnvelope | undefined, body: unknown, startedAt: number): Job {
    return this.outcomes.begin(
      env,
      body,
      undefined,
      startedAt >= 0 ? startedAt : performance.now(),
    );
  }

  /** The first attempt's result came asynchronously: its outcome, then retries if any. */
  private async settleFirst(
    job: Job,
    result: PromiseLike<unknown>,
    signal: AttemptSignal,
  ): Promise<void> {
    const outcome = await this.timed(Promise.resolve(result), signal);
    if (outcome.ok) {
      this.outcomes.end(job, true, outcome.value);
      return;
    }
    if (this.attempts <= 1) {
      this.outcomes.end(job, false, outcome.error);
      return;
    }
    await this.retryAfter(job, 1);
  }

  /** Attempt `attempt` failed (not the last): back off, then go on from the next one. */
  private async retryAfter(job: Job, attempt: number): Promise<void> {
    await this.backoff(this.policies.retry!, attempt);
    // Past stop's deadline the job is left in flight: stop gives up on it (a shutdown drop).
    if (job.ended || this.stop.stopSignal.aborted) return;
    await this.attemptsFrom(job, attempt + 1);
  }

  private async attemptsFrom(job: Job, first: number): Promise<void> {
    for (let attempt = first; ; attempt++) {
      await this.attempt(job, attempt, attempt >= this.attempts);
      if (job.ended) return;
      await this.backoff(this.policies.retry!, attempt);
      if (job.ended || this.stop.stopSignal.aborted) return;
    }
  }

  /**
   * A transport that redelivers: one attempt per delivery; a failure that is not the last goes
   * back with `nak(backoff)` and comes again (here or elsewhere) as the next attempt.
   */
  private async deliveryAttempt(job: Job, delivery: Delivery): Promise<void> {
    const attempt = Math.max(1, delivery.attempt);
    await this.attempt(job, attempt, attempt >= this.attempts);
    if (!job.ended) {
      const retry = this.policies.retry!;
      this.outcomes.retryLater(job, backoffDelay(retry.backoffMs, attempt, this.random));
    }
  }

  /** Runs one attempt (inside `around`); ends the job on success, or on the last failure. */
  private attempt(job: Job, attempt: number, last: boolean): Promise<void> {
    const outcomes = this.outcomes;
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

  private parentSignal(env: MessageEnvelope | undefined): AbortSignal {
    return env?.abort?.signal ?? this.target.host.stopSignal;
  }

  /** Calls the worker for one attempt; its outcome, as a value or a rejection. */
  private invoke(job: Job, attempt: number): Promise<unknown> {
    const runner = this.attemptRunner;
    const signal = runner.open(this.parentSignal(job.env), job.env, job.delivery, attempt);
    let result: Promise<unknown>;
    try {
      result = Promise.resolve(runner.call(signal, job.env, job.body, job.delivery, attempt));
    } catch (error) {
      result = Promise.reject(error);
    }
    return this.timed(result, signal).then((outcome) => {
      if (outcome.ok) return outcome.value;
      throw outcome.error;
    });
  }

  /** With `timeoutMs`, a run that takes longer fails with `TimeoutError` (its late result is ignored). */
  private timed(result: Promise<unknown>, signal: AttemptSignal): Promise<Outcome> {
    const timeoutMs = this.policies.timeoutMs;
    const settled = result.then(
      (value): Outcome => ({ ok: true, value }),
      (error: unknown): Outcome => ({ ok: false, error }),
    );
    if (timeoutMs === undefined) {
      return settled.finally(() => signal.dispose());
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<Outcome>((resolve) => {
      timer = setTimeout(() => {
        const error = new TimeoutError(this.target.info.name, timeoutMs, "run");
        // Aborted already (its request, stop's deadline): that decides how it ends.
        if (signal.abort(error)) resolve({ ok: false, error });
      }, timeoutMs);
    });
    return Promise.race([settled, timedOut]).finally(() => {
      clearTimeout(timer);
      signal.dispose();
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
