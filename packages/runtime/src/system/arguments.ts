// Checks of call arguments: durations within the platform timer range, options objects and
// signals. Each refusal is an `InvalidArgumentError` naming the argument.

import { InvalidArgumentError } from "../errors.js";

/** The longest delay a timer takes as it is; a longer one fires after 1 ms. */
export const MAX_TIMER_MS: number = 2 ** 31 - 1;

const RANGE = `a number of ms in 1..${MAX_TIMER_MS}`;

/**
 * A duration in 1..2^31-1 ms; with `infinite`, `Infinity` too (returned as is: "no deadline");
 * with `zero`, 0 too. `undefined` passes through.
 */
export function durationMs(
  argument: string,
  value: unknown,
  allow: { infinite?: boolean; zero?: boolean } = {},
): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "number") {
    if (value >= 1 && value <= MAX_TIMER_MS) return value;
    if (value === Number.POSITIVE_INFINITY && allow.infinite === true) return value;
    if (value === 0 && allow.zero === true) return 0;
  }
  const expected =
    RANGE +
    (allow.zero === true ? ", or 0" : "") +
    (allow.infinite === true ? ", or Infinity (no deadline)" : "");
  throw new InvalidArgumentError(argument, expected, value);
}

/** An options bag: `undefined` (none) or an object. */
export function optionsObject<T extends object>(argument: string, value: unknown): T | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== "object") {
    throw new InvalidArgumentError(argument, "an options object or undefined", value);
  }
  return value as T;
}

/** An `AbortSignal` (or `undefined`). */
export function abortSignal(argument: string, value: unknown): AbortSignal | undefined {
  if (value === undefined || value instanceof AbortSignal) return value;
  throw new InvalidArgumentError(argument, "an AbortSignal", value);
}
