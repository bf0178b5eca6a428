import { Chan, KIND } from "./channel.js";
import { InvalidArgumentError } from "./errors.js";
import { hostSetTimeout } from "./internal/host.js";
import type { Channel } from "./types.js";

/**
 * A channel that closes after `ms` milliseconds (`timeout`): taking from it resolves
 * `undefined` then. Mostly used as an `alts` operation. Each call makes its own channel and
 * timer; the timer keeps a Node process alive until it fires.
 *
 * @throws InvalidArgumentError (`ERR_INVALID_ARGUMENT`) for a negative or non-finite `ms`
 * @example
 * ```ts
 * const result = await alts([replies, timeout(500)]);
 * ```
 */
export function timeout(ms: number): Channel<never> {
  if (typeof ms !== "number" || !(ms >= 0) || !Number.isFinite(ms)) {
    throw new InvalidArgumentError(`timeout needs a finite number of ms >= 0, got ${String(ms)}`);
  }
  const ch = new Chan<never>(0, KIND.fixed, undefined);
  hostSetTimeout(() => ch.close(), ms);
  return ch;
}
