import type { Channel } from "./types.js";

/**
 * Folds every value of `ch` until it is closed and drained (`reduce`), resolving the result.
 *
 * @example
 * ```ts
 * const total = await reduce((sum, n) => sum + n, 0, numbers);
 * ```
 */
export async function reduce<T, R>(
  fn: (accumulator: R, value: T) => R,
  init: R,
  ch: Channel<T>,
): Promise<R> {
  let acc = init;
  for (;;) {
    const value = await ch.take();
    if (value === undefined) return acc;
    acc = fn(acc, value);
  }
}

/**
 * Collects every value of `ch` into an array once it is closed (`(into [] ch)`).
 *
 * @example
 * ```ts
 * const all = await toArray(toChan([1, 2, 3])); // [1, 2, 3]
 * ```
 */
export async function toArray<T>(ch: Channel<T>): Promise<T[]> {
  const out: T[] = [];
  for (;;) {
    const value = await ch.take();
    if (value === undefined) return out;
    out.push(value);
  }
}
