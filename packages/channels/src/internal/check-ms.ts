import { ArgumentRangeError } from "../errors.js";

/**
 * The longest delay a platform timer honours: 2^31-1 ms (about 24.8 days). Node, browsers,
 * Deno and Bun fire a longer (or non-positive, or NaN) delay after about 1 ms instead.
 */
export const MAX_TIMER_MS = 2_147_483_647;

/**
 * Validates a delay in milliseconds before it reaches a timer, which would clamp it silently:
 * a finite number in 1..2^31-1 (fractions allowed).
 *
 * @throws ArgumentRangeError (`ERR_INVALID_ARGUMENT`) for anything else, non-numbers included
 */
export function checkMs(ms: unknown, name: string): number {
  if (typeof ms === "number" && ms >= 1 && ms <= MAX_TIMER_MS) return ms;
  throw new ArgumentRangeError(
    `${name} must be a finite number of milliseconds from 1 to ${MAX_TIMER_MS}, got ${describe(ms)}`,
  );
}

function describe(value: unknown): string {
  if (typeof value === "number") return String(value);
  if (typeof value === "string") return `the string ${JSON.stringify(value)}`;
  return value === null ? "null" : typeof value;
}
