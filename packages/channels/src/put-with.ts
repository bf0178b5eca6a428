import { InvalidArgumentError } from "./errors.js";
import type { Channel, PutMode } from "./types.js";

const TRUE: Promise<boolean> = Promise.resolve(true);
const FALSE: Promise<boolean> = Promise.resolve(false);

/**
 * Writes `value` with a put mode: `"async"` queues it with `putAsync` (never waits),
 * `"block"` awaits `put` (backpressure), `"drop"` uses `offer` (refused when full).
 * Resolves to whether the value was accepted (for `"async"`: queued or accepted).
 *
 * @throws UndefinedValueError (`ERR_UNDEFINED_VALUE`), ThenableValueError (`ERR_THENABLE`),
 * PendingLimitError (`ERR_PENDING_LIMIT`) synchronously, as the underlying operation does
 * (every mode refuses a thenable, `"block"` included); InvalidArgumentError
 * (`ERR_INVALID_ARGUMENT`) for an unknown mode
 * @example
 * ```ts
 * const ch = chan<number>(1);
 * await putWith(ch, 1, "drop"); // true
 * await putWith(ch, 2, "drop"); // false: full
 * ```
 */
export function putWith<T>(ch: Channel<T>, value: T, mode: PutMode): Promise<boolean> {
  switch (mode) {
    case "async":
      return ch.putAsync(value) ? TRUE : FALSE;
    case "block":
      return ch.put(value);
    case "drop":
      return ch.offer(value) ? TRUE : FALSE;
    default:
      throw new InvalidArgumentError(
        `put mode must be "async", "block" or "drop", got ${JSON.stringify(mode)}`,
      );
  }
}
