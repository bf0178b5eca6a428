import { chan } from "./chan.js";
import { background, checkOnError, type ErrorHandler, report } from "./internal/report.js";
import { type Mult, mult } from "./mult.js";
import type { Channel, ChanOptions, CombinatorOptions } from "./types.js";

/** A topic router over a source channel: see `pub`. */
export interface Pub<T, K> {
  /** The channel the pub takes from. */
  readonly source: Channel<T>;
  /** Subscribes `ch` to `topic`; closes `ch` when the source closes if `close`. */
  sub(topic: K, ch: Channel<T>, close?: boolean): Channel<T>;
  /** Unsubscribes `ch` from `topic` (does not close it). */
  unsub(topic: K, ch: Channel<T>): void;
  /** Drops every subscription of `topic`, or of every topic. */
  unsubAll(topic?: K): void;
}

interface Topic<T> {
  readonly ch: Channel<T>;
  readonly mult: Mult<T>;
}

class PubImpl<T, K> implements Pub<T, K> {
  readonly source: Channel<T>;
  private readonly topicFn: (value: T) => K;
  private readonly bufFn: ((topic: K) => number | ChanOptions<T>) | undefined;
  private readonly topics = new Map<K, Topic<T>>();
  private readonly onError: ErrorHandler | undefined;
  private done = false;

  constructor(
    source: Channel<T>,
    topicFn: (value: T) => K,
    bufFn: ((topic: K) => number | ChanOptions<T>) | undefined,
    onError: ErrorHandler | undefined,
  ) {
    this.source = source;
    this.topicFn = topicFn;
    this.bufFn = bufFn;
    this.onError = onError;
    background("pub", onError, this.run());
  }

  sub(topic: K, ch: Channel<T>, close = true): Channel<T> {
    let t = this.topics.get(topic);
    if (t === undefined) {
      const tch = chan<T>(this.bufFn === undefined ? 0 : this.bufFn(topic));
      if (
        this.done ||
        (this.source.closed && this.source.size === 0 && this.source.pendingPuts === 0)
      ) {
        tch.close();
      }
      const created: Topic<T> = {
        ch: tch,
        mult: mult(tch, { onError: (error) => this.topicFailed(topic, created, error) }),
      };
      this.topics.set(topic, created);
      t = created;
    }
    return t.mult.tap(ch, close);
  }

  /**
   * A topic's mult failed (a put to a subscriber threw) and closed that topic's subscribers.
   * The topic is dropped (later values of it are discarded until someone subscribes again),
   * and its channel closed and drained so a put of this pub parked on it returns.
   */
  private topicFailed(topic: K, t: Topic<T>, error: unknown): void {
    if (this.topics.get(topic) === t) this.topics.delete(topic);
    t.ch.close();
    while (t.ch.poll() !== undefined) {
      // Discarded: nobody delivers this topic's values any more.
    }
    report("pub", this.onError, error);
  }

  unsub(topic: K, ch: Channel<T>): void {
    this.topics.get(topic)?.mult.untap(ch);
  }

  unsubAll(...topic: [K?]): void {
    if (topic.length === 0) this.topics.clear();
    else this.topics.delete(topic[0] as K);
  }

  private async run(): Promise<void> {
    try {
      for (;;) {
        const value = await this.source.take();
        if (value === undefined) break;
        const topic = this.topicFn(value);
        // A refused put (a topic closed by its failed mult) discards the value.
        const t = this.topics.get(topic);
        if (t !== undefined) await t.ch.put(value);
      }
    } catch (error) {
      // The topics close before the error is reported, so their subscribers never hang.
      this.finish();
      report("pub", this.onError, error);
      return;
    }
    this.finish();
  }

  /** Closes every topic; each topic's mult then closes its subscribers once it drained. */
  private finish(): void {
    this.done = true;
    for (const t of this.topics.values()) t.ch.close();
  }
}

/**
 * Routes a channel's values by topic (`pub`): `topicFn(value)` picks the topic, and the value
 * goes to every channel subscribed to it (through a `mult` per topic, so a topic's slowest
 * subscriber sets its pace). Values of a topic nobody subscribes to are discarded.
 * `bufFn(topic)` sizes each topic's internal channel (unbuffered by default). When the source
 * closes, every subscriber subscribed with `close` (the default) is closed.
 *
 * Failures go to `onError` (printed with `console.error` without one; never an unhandled
 * rejection): when `topicFn` or a take from `source` throws, the pub stops and closes every
 * subscriber (as if the source had closed, after the values already routed to them); when a
 * put to a subscriber throws (e.g. `PendingLimitError`), that topic's subscribers are closed
 * and the topic dropped, and the other topics carry on.
 *
 * @throws InvalidArgumentError (`ERR_INVALID_ARGUMENT`) if `onError` is not a function
 * @example
 * ```ts
 * const p = pub(orders, (o) => o.region);
 * const eu = sub(p, "eu", chan<Order>(8));
 * ```
 */
export function pub<T, K>(
  source: Channel<T>,
  topicFn: (value: T) => K,
  bufFn?: ((topic: K) => number | ChanOptions<T>) | undefined,
  options?: CombinatorOptions,
): Pub<T, K> {
  return new PubImpl(source, topicFn, bufFn, checkOnError(options?.onError, "pub"));
}

/** Subscribes `ch` to `topic` of `p` (`sub`). */
export function sub<T, K>(p: Pub<T, K>, topic: K, ch: Channel<T>, close = true): Channel<T> {
  return p.sub(topic, ch, close);
}

/** Unsubscribes `ch` from `topic` of `p` (`unsub`). */
export function unsub<T, K>(p: Pub<T, K>, topic: K, ch: Channel<T>): void {
  p.unsub(topic, ch);
}

/** Removes every subscription of `topic`, or of all topics when omitted (`unsub-all`). */
export function unsubAll<T, K>(p: Pub<T, K>, ...topic: [K?]): void {
  p.unsubAll(...topic);
}
