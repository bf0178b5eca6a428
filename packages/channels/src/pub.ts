import { chan } from "./chan.js";
import { type Mult, mult } from "./mult.js";
import type { Channel, ChanOptions } from "./types.js";

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

  constructor(
    source: Channel<T>,
    topicFn: (value: T) => K,
    bufFn: ((topic: K) => number | ChanOptions<T>) | undefined,
  ) {
    this.source = source;
    this.topicFn = topicFn;
    this.bufFn = bufFn;
    void this.run();
  }

  sub(topic: K, ch: Channel<T>, close = true): Channel<T> {
    let t = this.topics.get(topic);
    if (t === undefined) {
      const tch = chan<T>(this.bufFn === undefined ? 0 : this.bufFn(topic));
      if (this.source.closed && this.source.size === 0 && this.source.pendingPuts === 0) {
        tch.close();
      }
      t = { ch: tch, mult: mult(tch) };
      this.topics.set(topic, t);
    }
    return t.mult.tap(ch, close);
  }

  unsub(topic: K, ch: Channel<T>): void {
    this.topics.get(topic)?.mult.untap(ch);
  }

  unsubAll(...topic: [K?]): void {
    if (topic.length === 0) this.topics.clear();
    else this.topics.delete(topic[0] as K);
  }

  private async run(): Promise<void> {
    // The topics close even when `topicFn` throws, so their subscribers never hang.
    try {
      for (;;) {
        const value = await this.source.take();
        if (value === undefined) break;
        const topic = this.topicFn(value);
        // A topic's channel is only closed below, so this put is never refused.
        const t = this.topics.get(topic);
        if (t !== undefined) await t.ch.put(value);
      }
    } finally {
      for (const t of this.topics.values()) t.ch.close();
    }
  }
}

/**
 * Routes a channel's values by topic (`pub`): `topicFn(value)` picks the topic, and the value
 * goes to every channel subscribed to it (through a `mult` per topic, so a topic's slowest
 * subscriber sets its pace). Values of a topic nobody subscribes to are discarded.
 * `bufFn(topic)` sizes each topic's internal channel (unbuffered by default). When the source
 * closes, every subscriber subscribed with `close` (the default) is closed; the same happens
 * when `topicFn` throws (its error is then an unhandled rejection: nobody awaits the loop).
 *
 * @example
 * ```ts
 * const p = pub(orders, (o) => o.region);
 * const eu = sub(p, "eu", chan<Order>(8));
 * ```
 */
export function pub<T, K>(
  source: Channel<T>,
  topicFn: (value: T) => K,
  bufFn?: (topic: K) => number | ChanOptions<T>,
): Pub<T, K> {
  return new PubImpl(source, topicFn, bufFn);
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
