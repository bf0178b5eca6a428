import { chan } from "./chan.js";
import { background, checkOnError, type ErrorHandler, report } from "./internal/report.js";
import type { Channel, ChanOptions, CombinatorOptions } from "./types.js";

/**
 * Splits a channel in two by a predicate (`split`): values for which `predicate` is true go
 * to the first channel, the others to the second. Both close when `source` closes. If
 * `predicate`, a take or a put throws, the split stops, closes both and hands the error to
 * `onError` (printed with `console.error` without one; never an unhandled rejection). As in
 * core.async, a put refused by a closed output stops the split: the source is no longer taken
 * from, and the other output is closed too. Each output is configured by its own buffer
 * argument (unbuffered by default).
 *
 * @throws InvalidBufferError (`ERR_INVALID_BUFFER`) for a bad buffer, InvalidArgumentError
 * (`ERR_INVALID_ARGUMENT`) if `onError` is not a function
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
  options?: CombinatorOptions,
): [Channel<T>, Channel<T>] {
  const onError = checkOnError(options?.onError, "split");
  const yes = chan<T>(trueBuffer);
  const no = chan<T>(falseBuffer);
  background("split", onError, run(predicate, source, yes, no, onError));
  return [yes, no];
}

async function run<T>(
  predicate: (value: T) => boolean,
  source: Channel<T>,
  yes: Channel<T>,
  no: Channel<T>,
  onError: ErrorHandler | undefined,
): Promise<void> {
  try {
    for (;;) {
      const value = await source.take();
      if (value === undefined) break;
      if (!(await (predicate(value) ? yes : no).put(value))) break;
    }
  } catch (error) {
    // Both outputs close before the error is reported, so their takers never hang.
    yes.close();
    no.close();
    report("split", onError, error);
    return;
  }
  yes.close();
  no.close();
}
