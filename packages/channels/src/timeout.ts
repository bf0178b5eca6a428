import { Chan, KIND } from "./channel.js";
import { checkMs } from "./internal/check-ms.js";
import { hostSetTimeout } from "./internal/host.js";
import type { Channel } from "./types.js";

/**
 * A channel that closes after `ms` milliseconds (`timeout`): taking from it resolves
 * `undefined` then. Mostly used as an `alts` operation. Each call makes its own channel and
 * timer; the timer keeps a Node process alive until it fires. `ms` is checked rather than
 * handed to a timer that would clamp it: `timeout(2 ** 31)` (about 24.9 days) would otherwise
 * close after about 1 ms.
 *
 * @throws ArgumentRangeError (a `RangeError`, code `ERR_INVALID_ARGUMENT`) unless `ms` is a
 * finite number from 1 to 2^31-1 (`0`, negatives, `NaN`, `Infinity` and non-numbers included)
 * @example
 * ```ts
 * const result = await alts([replies, timeout(500)]);
 * ```
 */
export function timeout(ms: number): Channel<never> {
  checkMs(ms, "timeout(ms)");
  const ch = new Chan<never>(0, KIND.fixed, undefined);
  hostSetTimeout(() => ch.close(), ms);
  return ch;
}
