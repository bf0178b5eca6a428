import { background, checkOnError, type ErrorHandler, report } from "./internal/report.js";
import type { Channel, CombinatorOptions } from "./types.js";

/** A broadcast point over a source channel: see `mult`. */
export interface Mult<T> {
  /** The channel the mult takes from. */
  readonly source: Channel<T>;
  /** Copies every later value to `ch`; closes `ch` when the source closes if `close`. */
  tap(ch: Channel<T>, close?: boolean): Channel<T>;
  /** Stops copying to `ch` (does not close it). */
  untap(ch: Channel<T>): void;
  /** Removes every tap. */
  untapAll(): void;
}

class MultImpl<T> implements Mult<T> {
  readonly source: Channel<T>;
  private readonly taps = new Map<Channel<T>, boolean>();
  private readonly onError: ErrorHandler | undefined;
  private done = false;

  constructor(source: Channel<T>, onError: ErrorHandler | undefined) {
    this.source = source;
    this.onError = onError;
    background("mult", onError, this.run());
  }

  tap(ch: Channel<T>, close = true): Channel<T> {
    if (this.done) {
      if (close) ch.close();
    } else {
      this.taps.set(ch, close);
    }
    return ch;
  }

  untap(ch: Channel<T>): void {
    this.taps.delete(ch);
  }

  untapAll(): void {
    this.taps.clear();
  }

  private async run(): Promise<void> {
    try {
      for (;;) {
        const value = await this.source.take();
        if (value === undefined) break;
        if (this.taps.size === 0) continue;
        // Every tap must accept the value before the next one is taken (core.async's mult).
        const targets = [...this.taps.keys()];
        const accepted = await Promise.all(targets.map((ch) => ch.put(value)));
        for (let i = 0; i < targets.length; i++) if (!accepted[i]) this.taps.delete(targets[i]!);
      }
    } catch (error) {
      // The taps close before the error is reported, so their takers never hang.
      this.finish();
      report("mult", this.onError, error);
      return;
    }
    this.finish();
  }

  private finish(): void {
    this.done = true;
    for (const [ch, close] of this.taps) if (close) ch.close();
  }
}

/**
 * Broadcasts a channel (`mult`): each value taken from `source` is put to every tap, and the
 * next value is taken only once all taps accepted it, so the slowest tap sets the pace (give
 * taps buffers, or dropping/sliding ones, to decouple). Values arriving while there is no tap
 * are discarded. A tap found closed is removed. If a take or put throws (e.g. a tap at its
 * `PendingLimitError`), the mult stops, closes its taps as if the source had closed, and hands
 * the error to `onError` (printed with `console.error` without one; never an unhandled
 * rejection).
 *
 * @throws InvalidArgumentError (`ERR_INVALID_ARGUMENT`) if `onError` is not a function
 * @example
 * ```ts
 * const m = mult(events);
 * const audit = tap(m, chan<Event>(16));
 * const metrics = tap(m, chan<Event>({ buffer: 1, bufferType: "sliding" }));
 * ```
 */
export function mult<T>(source: Channel<T>, options?: CombinatorOptions): Mult<T> {
  return new MultImpl(source, checkOnError(options?.onError, "mult"));
}

/** Adds `ch` as a tap of `m` (`tap`); when the source closes, `ch` is closed if `close`. */
export function tap<T>(m: Mult<T>, ch: Channel<T>, close = true): Channel<T> {
  return m.tap(ch, close);
}

/** Removes `ch` from the taps of `m` (`untap`). */
export function untap<T>(m: Mult<T>, ch: Channel<T>): void {
  m.untap(ch);
}

/** Removes every tap of `m` (`untap-all`). */
export function untapAll<T>(m: Mult<T>): void {
  m.untapAll();
}
