// How an abort on the main thread reaches a message (internal): a listener on its signal, and
// a broadcast to the threads for one that already runs.

import { BroadcastChannel } from "node:worker_threads";
import { abortChannelName } from "./pool-setup.js";
import { type AbortTarget, type Item, ItemWatch, SignalWatch } from "./work-items.js";

const once = { once: true } as const;

/** The abort listeners of a dispatcher's messages, and its channel to the threads. */
export class AbortRouter {
  /** The broadcast channel's name, given to the threads. */
  readonly channelName: string = abortChannelName();
  readonly #channel: BroadcastChannel;
  readonly #target: AbortTarget;
  readonly #watches = new WeakMap<AbortSignal, ItemWatch | SignalWatch>();
  /** The last signal found to have a `SignalWatch`: its next messages skip the lookup. */
  #watched: AbortSignal | undefined = undefined;

  constructor(target: AbortTarget) {
    this.#target = target;
    this.#channel = new BroadcastChannel(this.channelName);
    this.#channel.unref();
  }

  /** Makes sure an abort of `signal` reaches `item`. */
  watch(signal: AbortSignal, item: Item): void {
    // Messages that share a signal (the system's stop signal) pay nothing here.
    if (signal === this.#watched) return;
    const seen = this.#watches.get(signal);
    if (seen === undefined) {
      const watch = new ItemWatch(this.#target, item);
      this.#watches.set(signal, watch);
      signal.addEventListener("abort", watch, once);
      return;
    }
    if (!(seen instanceof SignalWatch)) {
      const watch = new SignalWatch(this.#target, signal);
      this.#watches.set(signal, watch);
      signal.addEventListener("abort", watch, once);
    }
    this.#watched = signal;
  }

  /** Tells the threads that the message numbered `seq` was aborted (its ctx.signal aborts). */
  broadcast(seq: number): void {
    this.#channel.postMessage(seq);
  }

  close(): void {
    this.#channel.close();
  }
}
