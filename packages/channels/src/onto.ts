import { chan } from "./chan.js";
import type { Channel, ChanOptions } from "./types.js";

/**
 * Puts every value of an iterable or async iterable onto `ch`, one at a time with
 * backpressure (`onto-chan!`), then closes `ch` unless `close` is false. Resolves `true` when
 * every value was accepted, `false` if `ch` was closed first (the rest are not put). If the
 * iterable throws, `ch` is closed all the same (per `close`) and the promise rejects with the
 * error.
 *
 * @throws UndefinedValueError (`ERR_UNDEFINED_VALUE`), as a rejection, for an `undefined` value
 *
 * @example
 * ```ts
 * await onto(ch, [1, 2, 3]);
 * ```
 */
export async function onto<T>(
  ch: Channel<T>,
  values: Iterable<T> | AsyncIterable<T>,
  close = true,
): Promise<boolean> {
  let all = true;
  // Closed even when the iterable throws (or yields `undefined`), so takers never hang; the
  // error still rejects the returned promise.
  try {
    for await (const value of values) {
      if (!(await ch.put(value))) {
        all = false;
        break;
      }
    }
  } finally {
    if (close) ch.close();
  }
  return all;
}

/**
 * A channel that yields the values of an iterable or async iterable, then closes
 * (`to-chan!`). Without `bufferOrOptions`, an array or other collection with a `length` or
 * `size` gets a buffer of up to 100 values, anything else is unbuffered. If the iterable
 * throws, the channel closes after the values before the failure, and the error is left as an
 * unhandled rejection (there is no caller to give it to): use `onto` to handle it.
 *
 * @example
 * ```ts
 * const ch = toChan(["a", "b"]);
 * await ch.take(); // "a"
 * ```
 */
export function toChan<T>(
  values: Iterable<T> | AsyncIterable<T>,
  bufferOrOptions?: number | ChanOptions<T>,
): Channel<T> {
  let buffer = bufferOrOptions;
  if (buffer === undefined) {
    const sized = values as { length?: unknown; size?: unknown };
    const n = typeof sized.length === "number" ? sized.length : sized.size;
    buffer = typeof n === "number" ? Math.min(n, 100) : 0;
  }
  const ch = chan<T>(buffer);
  void onto(ch, values);
  return ch;
}
