import { Chan, KIND } from "./channel.js";
import type { Channel, DropReason } from "./types.js";

/** Options of `promiseChan`. */
export interface PromiseChanOptions<T> {
  /** Called with every value put after the first (those are discarded). */
  onDrop?: ((value: T, reason: DropReason) => void) | undefined;
}

/**
 * A write-once channel (`promise-chan`): the first value put is delivered to every pending
 * and future take, without being consumed; later puts are accepted and discarded (counted in
 * `drops`, reason `buffer-dropped`). Closing it without a value makes takes resolve
 * `undefined`; closing it after a value keeps the value. Reports `bufferType: "dropping"`,
 * `capacity: 1`. Its puts refuse `undefined` and thenables like any channel's: to deliver
 * a promise's outcome, put what it resolves to.
 *
 * @example
 * ```ts
 * const answer = promiseChan<number>();
 * answer.offer(42);
 * await answer.take(); // 42
 * await answer.take(); // 42 again
 * ```
 */
export function promiseChan<T>(options?: PromiseChanOptions<T>): Channel<T> {
  return new Chan<T>(1, KIND.promise, options?.onDrop);
}
