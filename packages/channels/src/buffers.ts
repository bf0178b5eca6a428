import { checkSize } from "./internal/check-size.js";
import type { BufferType } from "./types.js";

/**
 * A buffer as `chan` takes it: `chan(dropping(4))`, or spread with an `onDrop` hook,
 * `chan({ ...sliding(4), onDrop })`. The same shape as the `buffer` and `bufferType` of
 * `ChanOptions` (and of a channel in a `@workers/config` definition).
 */
export interface BufferSpec<B extends BufferType = BufferType> {
  readonly buffer: number;
  readonly bufferType: B;
}

/**
 * A fixed buffer of `n` (`buffer`): a put waits while it is full (backpressure). `fixed(0)` is
 * an unbuffered (rendezvous) channel.
 *
 * @throws InvalidBufferError (`ERR_INVALID_BUFFER`) unless `n` is a non-negative integer
 * @example
 * ```ts
 * const jobs = chan<string>(fixed(8)); // the same as chan<string>(8)
 * ```
 */
export function fixed(n: number): BufferSpec<"fixed"> {
  return { buffer: checkSize(n, "fixed"), bufferType: "fixed" };
}

/**
 * A dropping buffer of `n` (`dropping-buffer`): when full, the value being put is discarded
 * (the oldest are kept) and the put still succeeds; the channel counts it in `drops` and calls
 * its `onDrop` with reason `"buffer-dropped"`.
 *
 * @throws InvalidBufferError (`ERR_INVALID_BUFFER`) unless `n` is an integer >= 1
 * @example
 * ```ts
 * const requests = chan<Request>(dropping(4)); // sheds load once 4 are waiting
 * ```
 */
export function dropping(n: number): BufferSpec<"dropping"> {
  return { buffer: checkSize(n, "dropping"), bufferType: "dropping" };
}

/**
 * A sliding buffer of `n` (`sliding-buffer`): when full, the oldest buffered value is evicted
 * to make room (the newest are kept) and the put succeeds; the channel counts it in `drops`
 * and calls its `onDrop` with reason `"buffer-evicted"`.
 *
 * @throws InvalidBufferError (`ERR_INVALID_BUFFER`) unless `n` is an integer >= 1
 * @example
 * ```ts
 * const latest = chan<Reading>({ ...sliding(1), onDrop: (old) => log(old) });
 * ```
 */
export function sliding(n: number): BufferSpec<"sliding"> {
  return { buffer: checkSize(n, "sliding"), bufferType: "sliding" };
}
