import { alts } from "./alts.js";
import { chan } from "./chan.js";
import type { Channel, ChanOptions } from "./types.js";

/**
 * Merges channels into one (`merge`): values from every source, in the order taken (sources
 * are chosen fairly at random when several are ready). The result closes once every source
 * is closed and drained, or when a take or put throws (e.g. `PendingLimitError`; the error is
 * then an unhandled rejection: nobody awaits the loop). `bufferOrOptions` configures the result (unbuffered by default).
 *
 * @example
 * ```ts
 * const all = merge([clicks, keys]);
 * ```
 */
export function merge<T>(
  sources: readonly Channel<T>[],
  bufferOrOptions?: number | ChanOptions<T>,
): Channel<T> {
  const out = chan<T>(bufferOrOptions);
  void run(sources.slice(), out);
  return out;
}

async function run<T>(live: Channel<T>[], out: Channel<T>): Promise<void> {
  // `out` closes even when a take or put throws, so its takers never hang.
  try {
    while (live.length > 0) {
      const { value, channel } = await alts(live);
      if (value === undefined) live.splice(live.indexOf(channel), 1);
      else if (!(await out.put(value))) return;
    }
  } finally {
    out.close();
  }
}
