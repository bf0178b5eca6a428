import { alts } from "./alts.js";
import { chan } from "./chan.js";
import { background, checkOnError, type ErrorHandler, report } from "./internal/report.js";
import type { Channel, ChanOptions, CombinatorOptions } from "./types.js";

/**
 * Merges channels into one (`merge`): values from every source, in the order taken (sources
 * are chosen fairly at random when several are ready). The result closes once every source
 * is closed and drained. If a take or put throws (e.g. `PendingLimitError`), the merge stops,
 * closes the result and hands the error to `onError` (printed with `console.error` without
 * one; never an unhandled rejection). `bufferOrOptions` configures the result (unbuffered by
 * default).
 *
 * @throws InvalidBufferError (`ERR_INVALID_BUFFER`) for a bad buffer, InvalidArgumentError
 * (`ERR_INVALID_ARGUMENT`) if `onError` is not a function
 * @example
 * ```ts
 * const all = merge([clicks, keys]);
 * ```
 */
export function merge<T>(
  sources: readonly Channel<T>[],
  bufferOrOptions?: number | ChanOptions<T>,
  options?: CombinatorOptions,
): Channel<T> {
  const onError = checkOnError(options?.onError, "merge");
  const out = chan<T>(bufferOrOptions);
  background("merge", onError, run(sources.slice(), out, onError));
  return out;
}

async function run<T>(
  live: Channel<T>[],
  out: Channel<T>,
  onError: ErrorHandler | undefined,
): Promise<void> {
  try {
    while (live.length > 0) {
      const { value, channel } = await alts(live);
      if (value === undefined) live.splice(live.indexOf(channel), 1);
      else if (!(await out.put(value))) return;
    }
  } catch (error) {
    // `out` closes before the error is reported, so its takers never hang.
    out.close();
    report("merge", onError, error);
    return;
  }
  out.close();
}
