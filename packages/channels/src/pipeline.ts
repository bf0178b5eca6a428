import { alts } from "./alts.js";
import { chan } from "./chan.js";
import { InvalidArgumentError } from "./errors.js";
import type { Channel } from "./types.js";

/** Options of `pipeline`. */
export interface PipelineOptions<T, R> {
  /** Keep the output in input order; otherwise results go out as they finish. @default true */
  ordered?: boolean | undefined;
  /** Close `to` when `from` is closed and every result is out. @default true */
  close?: boolean | undefined;
  /**
   * Handles a failure of `fn` for `value` (core.async's `ex-handler`); its return (unless
   * `undefined`) is put to `to` in the value's place, as it is (a promise returned here is
   * refused with `ERR_THENABLE`, which fails the pipeline). Without it, the first failure of
   * `fn` fails the pipeline.
   *
   * A failure of the pipeline itself (that first failure, `onError` throwing, a put to `to`
   * or a take from `from` throwing) stops it: nothing more is taken, in-flight work is awaited
   * (its results discarded), `to` is closed (per `close`) and the promise `pipeline` returned
   * rejects with that error. Unlike the other combinators, `pipeline` has a caller to reject:
   * its errors never reach `console.error`.
   */
  onError?: ((error: unknown, value: T) => R | undefined) | undefined;
}

type Outcome<R> = { ok: true; value: R | undefined } | { ok: false; error: unknown };

/** A result not yet known, as queued in order: a promise itself cannot travel on a channel. */
class Pending<R> {
  readonly outcome: Promise<Outcome<R>>;
  constructor(outcome: Promise<Outcome<R>>) {
    this.outcome = outcome;
  }
}

/**
 * Runs `fn` over the values of `from` with at most `n` in flight and puts the results on `to`
 * (`pipeline-async`), in input order unless `ordered: false`. A result of `undefined` puts
 * nothing (a filter). A value counts as in flight from the moment it is taken until its
 * result is on `to`, so a slow consumer bounds the work started. Resolves when `from` is
 * closed and every result is out (or `to` refused a result because it was closed).
 *
 * @throws InvalidArgumentError (`ERR_INVALID_ARGUMENT`) if `n` is not a positive integer or
 * `onError` is not a function
 * @example
 * ```ts
 * await pipeline(4, thumbnails, (url) => resize(url), urls);
 * ```
 */
export function pipeline<T, R>(
  n: number,
  to: Channel<R>,
  fn: (value: T) => R | undefined | PromiseLike<R | undefined>,
  from: Channel<T>,
  options?: PipelineOptions<T, R>,
): Promise<void> {
  if (!Number.isInteger(n) || n < 1) {
    throw new InvalidArgumentError(`pipeline needs n >= 1 (an integer), got ${String(n)}`);
  }
  const onError = options?.onError;
  if (onError !== undefined && typeof onError !== "function") {
    throw new InvalidArgumentError(`pipeline: onError must be a function, got ${typeof onError}`);
  }
  return new Pipeline(n, to, fn, from, options).run();
}

class Pipeline<T, R> {
  private readonly to: Channel<R>;
  private readonly fn: (value: T) => R | undefined | PromiseLike<R | undefined>;
  private readonly from: Channel<T>;
  private readonly ordered: boolean;
  private readonly close: boolean;
  private readonly onError: ((error: unknown, value: T) => R | undefined) | undefined;
  /** One token per free in-flight slot. */
  private readonly slots: Channel<true>;
  /** Ordered mode: results in input order (at most `n`, so offers never fail). */
  private readonly results: Channel<Pending<R>>;
  private readonly halt: Channel<never> = chan<never>();
  private stopped = false;
  private failure: { error: unknown } | undefined = undefined;

  constructor(
    n: number,
    to: Channel<R>,
    fn: (value: T) => R | undefined | PromiseLike<R | undefined>,
    from: Channel<T>,
    options: PipelineOptions<T, R> | undefined,
  ) {
    this.to = to;
    this.fn = fn;
    this.from = from;
    this.ordered = options?.ordered ?? true;
    this.close = options?.close ?? true;
    this.onError = options?.onError;
    this.slots = chan<true>(n);
    for (let i = 0; i < n; i++) this.slots.offer(true);
    this.results = chan<Pending<R>>(n);
  }

  async run(): Promise<void> {
    // Neither `deliverInOrder` nor `deliver` ever rejects: every failure goes through `fail`,
    // and only the promise returned here rejects, once everything is settled.
    const delivering = this.ordered ? this.deliverInOrder() : undefined;
    const unordered = new Set<Promise<void>>();
    try {
      // `halt` closes on stop and is tried first, so a stop never takes (and loses) a value.
      for (;;) {
        if ((await alts([this.halt, this.slots], { priority: true })).channel === this.halt) {
          break;
        }
        const next = await alts([this.halt, this.from], { priority: true });
        if (next.channel === this.halt) break;
        const value = next.value as T | undefined;
        if (value === undefined) break;
        const outcome = this.apply(value);
        if (this.ordered) this.results.offer(new Pending(outcome));
        else {
          const p = outcome.then((o) => this.deliver(o));
          unordered.add(p);
          void p.then(() => unordered.delete(p));
        }
      }
    } catch (error) {
      // A take from `from` threw (e.g. `PendingLimitError`).
      this.fail(error);
    }
    this.results.close();
    await delivering;
    await Promise.all(unordered);
    if (this.close) this.to.close();
    if (this.failure !== undefined) throw this.failure.error;
  }

  private async apply(value: T): Promise<Outcome<R>> {
    try {
      return { ok: true, value: await this.fn(value) };
    } catch (error) {
      if (this.onError === undefined) return { ok: false, error };
      try {
        return { ok: true, value: this.onError(error, value) };
      } catch (handlerError) {
        return { ok: false, error: handlerError };
      }
    }
  }

  private async deliverInOrder(): Promise<void> {
    for (;;) {
      const next = await this.results.take();
      if (next === undefined) return;
      await this.deliver(await next.outcome);
    }
  }

  private async deliver(outcome: Outcome<R>): Promise<void> {
    if (this.stopped) return;
    if (!outcome.ok) {
      this.fail(outcome.error);
      return;
    }
    try {
      if (outcome.value !== undefined && !(await this.to.put(outcome.value))) {
        this.stop();
        return;
      }
    } catch (error) {
      // The put threw (`PendingLimitError`, or `ERR_THENABLE` for what `onError` returned).
      this.fail(error);
      return;
    }
    this.slots.offer(true);
  }

  /** Stops with `error`; the first failure is the one the pipeline rejects with. */
  private fail(error: unknown): void {
    if (this.failure === undefined) this.failure = { error };
    this.stop();
  }

  private stop(): void {
    this.stopped = true;
    this.halt.close();
  }
}
