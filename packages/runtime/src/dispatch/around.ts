// The `around` hook (tracing) as a wrapper of a worker's call: each message runs inside
// `around(info, headers, run)`, and its outcome is recorded inside `run`, so what the outcome
// sends on (an output offer, a reply) happens in the context `around` made current.

import type { Channel } from "@workers/channels";
import { EMPTY_HEADERS, type MessageEnvelope, nextMessageId } from "../system/envelope.js";
import type { Delivery } from "../transport/types.js";
import type { Headers, ProcessInfo } from "../types.js";
import type { Job, Outcomes } from "../workers/outcomes.js";
import {
  type DrainLoop,
  drainEach,
  type Executor,
  type ExecutorTarget,
  type Item,
} from "./executor.js";

export type Around = <T>(
  info: ProcessInfo,
  headers: Readonly<Headers>,
  run: () => Promise<T>,
) => Promise<T>;

/**
 * Marks `run()`'s promise as handled (its outcome is recorded inside it) and returns it as is:
 * an `around` that does not pass the rejection on must not cause an unhandled rejection.
 */
export function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

/** What `around` is told about a message. */
export function processInfo(target: ExecutorTarget, env: MessageEnvelope | undefined): ProcessInfo {
  const info = target.info;
  const workerId = info.name;
  const channel = info.in;
  const dispatch = info.dispatch;
  const messageId = env === undefined ? nextMessageId() : env.id;
  const enqueuedAt = env === undefined ? 0 : env.enqueuedAt;
  // One literal per shape (a spread would build the object twice, per message).
  if (enqueuedAt > 0) {
    return channel === undefined
      ? { workerId, dispatch, messageId, enqueuedAt }
      : { workerId, channel, dispatch, messageId, enqueuedAt };
  }
  return channel === undefined
    ? { workerId, dispatch, messageId }
    : { workerId, channel, dispatch, messageId };
}

export function headersOf(env: MessageEnvelope | undefined): Readonly<Headers> {
  return env === undefined ? EMPTY_HEADERS : env.headers;
}

/**
 * Runs `run` inside `around` and ends the job with what `around` returns, unless `run` ended it
 * already (the usual case); an `around` that throws synchronously fails the job like a rejection.
 */
export function processAround(
  target: ExecutorTarget,
  around: Around,
  job: Job,
  run: () => Promise<unknown>,
): Promise<void> {
  const outcomes = target.outcomes;
  let processing: Promise<unknown>;
  try {
    processing = around(processInfo(target, job.env), headersOf(job.env), run);
  } catch (error) {
    processing = Promise.reject(error);
  }
  const settled = Promise.resolve(processing).then(
    (value) => outcomes.end(job, true, value),
    (error: unknown) => outcomes.end(job, false, error),
  );
  job.settled = settled;
  return settled;
}

/** Ends `job` with `result`'s outcome and passes the outcome on (for `around` to see). */
export function endWith(outcomes: Outcomes, job: Job, result: unknown): Promise<unknown> {
  return Promise.resolve(result).then(
    (value) => {
      outcomes.end(job, true, value);
      return value;
    },
    (error: unknown) => {
      outcomes.end(job, false, error);
      throw error;
    },
  );
}

/** A worker's call (go function or thread task) wrapped by `around`, one message at a time. */
export class AroundExecutor implements Executor {
  constructor(
    private readonly target: ExecutorTarget,
    private readonly around: Around,
    private readonly call: (item: Item) => unknown,
    private readonly batch: ((items: readonly Item[]) => Promise<void>) | undefined,
  ) {}

  run(
    env: MessageEnvelope | undefined,
    body: unknown,
    delivery: Delivery | undefined,
  ): Promise<void> {
    const outcomes = this.target.outcomes;
    const job = outcomes.begin(env, body, delivery, -1);
    const run = (): Promise<unknown> => {
      job.startedAt = performance.now();
      let result: unknown;
      try {
        result = this.call(job);
      } catch (error) {
        outcomes.end(job, false, error);
        return handled(Promise.reject(error));
      }
      return handled(endWith(outcomes, job, result));
    };
    return processAround(this.target, this.around, job, run);
  }

  drain(first: unknown, input: Channel<unknown>, loop: DrainLoop, max: number): number {
    return drainEach(this, first, input, loop, max);
  }

  runBatch(items: readonly Item[]): Promise<void> {
    if (this.batch !== undefined) return this.batch(items);
    return Promise.all(items.map((item) => this.run(item.env, item.body, item.delivery))).then(
      () => undefined,
    );
  }
}
