import { chan } from "./chan.js";
import type { Channel, ChanOptions } from "./types.js";

/**
 * Splits a channel in two by a predicate (`split`): values for which `predicate` is true go
 * to the first channel, the others to the second. Both close when `source` closes, or when
 * `predicate` or a put throws (the error is then an unhandled rejection: nobody awaits the
 * loop). As in core.async, a put refused by a closed output stops the split: the source is
 * no longer taken from, and the other output is closed too. Each output is configured by its own buffer argument (unbuffered by default).
 *
 * @example
 * ```ts
 * const [evens, odds] = split((n) => n % 2 === 0, numbers);
 * ```
 */
export function split<T>(
  predicate: (value: T) => boolean,
  source: Channel<T>,
  trueBuffer?: number | ChanOptions<T>,
  falseBuffer?: number | ChanOptions<T>,
): [Channel<T>, Channel<T>] {
  const yes = chan<T>(trueBuffer);
  const no = chan<T>(falseBuffer);
  void run(predicate, source, yes, no);
  return [yes, no];
}

async function run<T>(
  predicate: (value: T) => boolean,
  source: Channel<T>,
  yes: Channel<T>,
  no: Channel<T>,
): Promise<void> {
  // Both outputs close even when `predicate` throws, so their takers never hang.
  try {
    for (;;) {
      const value = await source.take();
      if (value === undefined) break;
      if (!(await (predicate(value) ? yes : no).put(value))) return;
    }
  } finally {
    yes.close();
    no.close();
  }
}
