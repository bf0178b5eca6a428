// Go dispatch: the function runs on the event loop, called directly by the worker's loop. A
// message whose function returns a plain value (or throws) ends synchronously: no job, no
// promise, no microtask.

import type { Channel } from "@workers/channels";
import type { WorkerFn } from "@workers/config";
import { EMPTY_HEADERS, isThenable, MessageEnvelope } from "../../system/envelope.js";
import type { Delivery } from "../../transport/types.js";
import type {
  Components,
  DeliveryInfo,
  Headers,
  StatsSnapshot,
  WorkerContext,
  WorkerInfo,
} from "../../types.js";
import type { Outcomes } from "../../workers/outcomes.js";
import { AttemptSignal } from "../attempt-signal.js";
import {
  type AttemptRunner,
  type DrainLoop,
  drainEach,
  type Executor,
  type ExecutorTarget,
  type Item,
  runEach,
} from "../executor.js";

/** `ctx` of a go worker: shared parts are the worker's, per message only headers and signal. */
class GoContext implements WorkerContext {
  readonly attempt: number;
  readonly delivery: DeliveryInfo | undefined;
  readonly components: Components;
  readonly channels: Readonly<Record<string, Channel<unknown>>>;
  readonly worker: WorkerInfo;
  readonly headers: Readonly<Headers>;
  readonly signal: AbortSignal;
  readonly stats: () => StatsSnapshot;
  readonly emit: WorkerContext["emit"];

  constructor(
    target: ExecutorTarget,
    headers: Readonly<Headers>,
    signal: AbortSignal,
    attempt = 1,
    delivery?: Delivery,
  ) {
    const host = target.host;
    this.attempt = attempt;
    this.delivery =
      delivery === undefined
        ? undefined
        : { id: delivery.id, attempt: delivery.attempt, redelivered: delivery.redelivered };
    this.components = host.components;
    this.channels = target.ctxChannels;
    this.worker = target.info;
    this.headers = headers;
    this.signal = signal;
    this.stats = host.stats;
    this.emit = host.emit;
  }
}

/** The `ctx` of one message: shared when it has no headers and no signal of its own. */
export function goContext(
  target: ExecutorTarget,
  shared: WorkerContext,
  env: MessageEnvelope | undefined,
  delivery?: Delivery,
): WorkerContext {
  if (delivery !== undefined) {
    return new GoContext(
      target,
      env === undefined ? EMPTY_HEADERS : env.headers,
      env?.abort === undefined ? target.host.stopSignal : env.abort.signal,
      Math.max(1, delivery.attempt),
      delivery,
    );
  }
  return env === undefined || (env.headers === EMPTY_HEADERS && env.abort === undefined)
    ? shared
    : new GoContext(
        target,
        env.headers,
        env.abort === undefined ? target.host.stopSignal : env.abort.signal,
      );
}

/** The ctx of messages with no headers and no signal of their own (read-only, shared). */
export function sharedGoContext(target: ExecutorTarget): WorkerContext {
  return new GoContext(target, EMPTY_HEADERS, target.host.stopSignal);
}

/** A go worker without `around`: the function called straight from the loop. */
export class GoExecutor implements Executor {
  protected readonly fn: WorkerFn;
  protected readonly outcomes: Outcomes;
  protected readonly shared: WorkerContext;

  constructor(protected readonly target: ExecutorTarget) {
    this.fn = target.fn!;
    this.outcomes = target.outcomes;
    this.shared = sharedGoContext(target);
  }

  run(
    env: MessageEnvelope | undefined,
    body: unknown,
    delivery: Delivery | undefined,
  ): Promise<void> | undefined {
    return this.runTimed(env, body, delivery, this.outcomes.sampledStart(false));
  }

  drain(first: unknown, input: Channel<unknown>, loop: DrainLoop, max: number): number {
    const outcomes = this.outcomes;
    // The latency sampling countdown (`Outcomes.untilSample`), kept in a local while messages
    // run bare and stored back before anything else reads it (and however the drain ends): no
    // memory write per message.
    let due = outcomes.untilSample;
    let value = first;
    let n = 1;
    try {
      for (; ; n++) {
        let pending: Promise<void> | undefined;
        // `typeof` first: `instanceof` with a primitive on the left still looks up the class's
        // `Symbol.hasInstance` (the imported binding is not a constant to the optimizer).
        if (typeof value === "object" && value instanceof MessageEnvelope) {
          outcomes.untilSample = due;
          pending = this.run(value, value.body, undefined);
          due = outcomes.untilSample;
        } else if (--due === 0) {
          // Clock reads are the most expensive part of a trivial message: the first messages
          // of a worker are all timed, then one in LATENCY_SAMPLE.
          outcomes.untilSample = 0;
          pending = this.runTimed(undefined, value, undefined, outcomes.startTiming());
          due = outcomes.untilSample;
        } else {
          // A bare message, not timed: `runTimed` with its constants folded by hand, in this
          // loop's body. V8 inlines by bytecode size (about 900 bytes into one function, with
          // what a callee's own optimized code inlined counted in full), so this, `poll()` and
          // the output channel's `offer` fit only when the loop and the path are one function.
          let result: unknown;
          let threw = false;
          try {
            result = this.fn(this.shared, value);
          } catch (error) {
            threw = true;
            outcomes.fail(undefined, value, error, -1, undefined);
          }
          // A primitive result (the common case of a trivial worker) skips the thenable check.
          if (!threw) {
            if (typeof result === "object" || typeof result === "function") {
              pending = this.objectResult(value, result);
            } else outcomes.succeedBare(result);
          }
        }
        if (pending !== undefined) {
          loop.started();
          break;
        }
        if (n >= max || loop.gated) break;
        value = input.poll();
        if (value === undefined) break;
      }
    } finally {
      outcomes.untilSample = due;
    }
    return n;
  }

  /** `run` with the message's start (-1: not timed). */
  private runTimed(
    env: MessageEnvelope | undefined,
    body: unknown,
    delivery: Delivery | undefined,
    startedAt: number,
  ): Promise<void> | undefined {
    const ctx = goContext(this.target, this.shared, env, delivery);
    let result: unknown;
    try {
      result = this.fn(ctx, body);
    } catch (error) {
      this.outcomes.fail(env, body, error, startedAt, delivery);
      return undefined;
    }
    // A primitive result (the common case of a trivial worker) skips the thenable check.
    if ((typeof result !== "object" && typeof result !== "function") || !isThenable(result)) {
      this.outcomes.succeed(env, result, startedAt, delivery);
      return undefined;
    }
    return this.track(env, body, delivery, result, startedAt);
  }

  /** An object a bare, untimed message's function returned (out of `drain`'s body). */
  private objectResult(body: unknown, result: unknown): Promise<void> | undefined {
    if (!isThenable(result)) return this.outcomes.succeedBare(result);
    return this.track(undefined, body, undefined, result, -1);
  }

  // Kept out of `run` so that its closures do not cost the synchronous path a context
  // allocation per message.
  protected track(
    env: MessageEnvelope | undefined,
    body: unknown,
    delivery: Delivery | undefined,
    result: PromiseLike<unknown>,
    startedAt: number,
  ): Promise<void> {
    const outcomes = this.outcomes;
    const job = outcomes.begin(
      env,
      body,
      delivery,
      startedAt >= 0 ? startedAt : outcomes.inFlight === 0 ? performance.now() : -1,
    );
    const settled = Promise.resolve(result).then(
      (value) => outcomes.end(job, true, value),
      (error: unknown) => outcomes.end(job, false, error),
    );
    job.settled = settled;
    return settled;
  }

  runBatch(items: readonly Item[]): Promise<void> {
    return runEach(this, items);
  }
}

const AsyncFunction = (async () => {}).constructor;

/** Whether `fn` is an `async` function: it always returns a promise. */
export function isAsyncFunction(fn: WorkerFn): boolean {
  return fn instanceof AsyncFunction;
}

/**
 * A go worker whose function is `async`. Each of its messages goes asynchronous, so it skips
 * the synchronous fast path; and with code of its own, `GoExecutor`'s never sees a promise from
 * it: V8 optimizes each for what it runs (a process with both, sharing one, runs the synchronous
 * workers about 10% slower). For the same reason `run` is its own, not a call of `runTimed`.
 */
export class AsyncGoExecutor extends GoExecutor {
  override run(
    env: MessageEnvelope | undefined,
    body: unknown,
    delivery: Delivery | undefined,
  ): Promise<void> | undefined {
    const outcomes = this.outcomes;
    const startedAt = outcomes.sampledStart(false);
    let result: unknown;
    try {
      result = this.fn(goContext(this.target, this.shared, env, delivery), body);
    } catch (error) {
      outcomes.fail(env, body, error, startedAt, delivery);
      return undefined;
    }
    return this.track(env, body, delivery, result as PromiseLike<unknown>, startedAt);
  }

  override drain(first: unknown, input: Channel<unknown>, loop: DrainLoop, max: number): number {
    return drainEach(this, first, input, loop, max);
  }
}

/** What every attempt's `ctx` of one worker shares. */
interface AttemptShared {
  readonly components: Components;
  readonly channels: Readonly<Record<string, Channel<unknown>>>;
  readonly worker: WorkerInfo;
  readonly stats: () => StatsSnapshot;
  readonly emit: WorkerContext["emit"];
}

/**
 * `ctx` of one attempt of a go worker with policies, and the attempt's signal source in one
 * object (one allocation a run): `signal` is made when first read.
 */
class GoAttempt extends AttemptSignal implements WorkerContext {
  constructor(
    parent: AbortSignal,
    private readonly shared: AttemptShared,
    readonly headers: Readonly<Headers>,
    readonly attempt: number,
    readonly delivery: DeliveryInfo | undefined,
  ) {
    super(parent);
  }

  get components(): Components {
    return this.shared.components;
  }
  get channels(): Readonly<Record<string, Channel<unknown>>> {
    return this.shared.channels;
  }
  get worker(): WorkerInfo {
    return this.shared.worker;
  }
  get stats(): () => StatsSnapshot {
    return this.shared.stats;
  }
  get emit(): WorkerContext["emit"] {
    return this.shared.emit;
  }
}

/** Runs attempts of a go worker with policies: the function called with the attempt's `ctx`. */
export function goAttempts(target: ExecutorTarget): AttemptRunner {
  const fn = target.fn!;
  const host = target.host;
  const sharedCtx = sharedGoContext(target);
  const shared: AttemptShared = {
    components: host.components,
    channels: target.ctxChannels,
    worker: target.info,
    stats: host.stats,
    emit: host.emit,
  };
  return {
    open: (parent, env, delivery, attempt) =>
      new GoAttempt(
        parent,
        shared,
        env === undefined ? EMPTY_HEADERS : env.headers,
        attempt,
        delivery === undefined
          ? undefined
          : { id: delivery.id, attempt: delivery.attempt, redelivered: delivery.redelivered },
      ),
    call: (signal, _env, body) => fn(signal as GoAttempt, body),
    first: (env, body) => fn(goContext(target, sharedCtx, env), body),
  };
}

/** Calls a go function for one message (the call `around` wraps). */
export function goCall(target: ExecutorTarget): (item: Item) => unknown {
  const fn = target.fn!;
  const shared = sharedGoContext(target);
  return (item) => fn(goContext(target, shared, item.env, item.delivery), item.body);
}
