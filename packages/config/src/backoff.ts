import { WorkersConfigError } from "./errors.js";
import type { BackoffSchedule } from "./types.js";

/**
 * The delay in milliseconds before retry `retryNumber` (1: before the second run) under a
 * normalized `retry.backoffMs`. A list gives its `retryNumber`-th delay, the last one repeating
 * and never jittered. An exponential schedule gives `initialMs * factor^(retryNumber - 1)`,
 * capped at `maxMs` (which caps `initialMs` too), then multiplied by `1 - jitter * random()`:
 * a factor in `[1 - jitter, 1]`, so jitter only ever shortens a delay. Pure: the same arguments
 * give the same delay.
 *
 * @param random - returns a number in `[0, 1)`, like `Math.random` (the default).
 * @returns a delay within `0..maxMs` (at most 2147483647) for a schedule that validates.
 * @throws WorkersConfigError `ERR_INVALID_ARGUMENT` when `retryNumber` is not an integer >= 1,
 * or the list is empty.
 * @example
 * backoffDelay([100, 500], 3); // 500
 * backoffDelay({ initialMs: 100, factor: 2, maxMs: 1000, jitter: 0 }, 3); // 400
 */
export function backoffDelay(
  backoffMs: BackoffSchedule,
  retryNumber: number,
  random: () => number = Math.random,
): number {
  if (!Number.isInteger(retryNumber) || retryNumber < 1) {
    throw new WorkersConfigError(
      "ERR_INVALID_ARGUMENT",
      `backoffDelay: expected retryNumber to be an integer >= 1 (1 is the delay before the second run), got ${String(retryNumber)}.`,
    );
  }
  if (isList(backoffMs)) {
    const delay = backoffMs[Math.min(retryNumber, backoffMs.length) - 1];
    if (delay === undefined) {
      throw new WorkersConfigError(
        "ERR_INVALID_ARGUMENT",
        "backoffDelay: expected a non-empty list of delays, got an empty list.",
      );
    }
    return delay;
  }
  const { initialMs, factor, maxMs, jitter } = backoffMs;
  // factor^n overflows to Infinity for a large n, and 0 * Infinity is NaN: a zero initial delay
  // stays zero; any other overflow is capped by maxMs like every large delay.
  const grown = initialMs === 0 ? 0 : initialMs * factor ** (retryNumber - 1);
  const capped = Math.min(grown, maxMs);
  return jitter === 0 ? capped : capped * (1 - jitter * random());
}

// `Array.isArray` does not narrow a `readonly` array type out of a union.
function isList(schedule: BackoffSchedule): schedule is readonly number[] {
  return Array.isArray(schedule);
}
