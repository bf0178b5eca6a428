import type { Channel } from "./types.js";

/**
 * Moves every value from `from` to `to` (`pipe`), with backpressure; when `from` closes, `to`
 * is closed too unless `close` is false. Stops when `to` refuses a value (closed). If a take
 * or put throws (e.g. `PendingLimitError`), `to` is closed too unless `close` is false, and
 * the error is left as an unhandled rejection: nobody awaits the loop. Returns `to`.
 *
 * @example
 * ```ts
 * pipe(source, chan<number>(10));
 * ```
 */
export function pipe<T>(from: Channel<T>, to: Channel<T>, close = true): Channel<T> {
  void run(from, to, close);
  return to;
}

async function run<T>(from: Channel<T>, to: Channel<T>, close: boolean): Promise<void> {
  try {
    for (;;) {
      const value = await from.take();
      if (value === undefined) break;
      if (!(await to.put(value))) return;
    }
  } catch (error) {
    // `to` closes even when a take or put throws, so its takers never hang.
    if (close) to.close();
    throw error;
  }
  if (close) to.close();
}
