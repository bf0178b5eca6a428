import type { Channel } from "./types.js";

/**
 * Moves every value from `from` to `to` (`pipe`), with backpressure; when `from` closes, `to`
 * is closed too unless `close` is false. Stops when `to` refuses a value (closed).
 * Returns `to`.
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
  for (;;) {
    const value = await from.take();
    if (value === undefined) break;
    if (!(await to.put(value))) return;
  }
  if (close) to.close();
}
