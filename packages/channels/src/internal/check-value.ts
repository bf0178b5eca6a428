import { ThenableValueError, UndefinedValueError } from "../errors.js";

/**
 * Throws unless a channel may carry `value`: `undefined` is the closed sentinel, and a
 * thenable would be adopted by `await take()`. Every put path calls it before it changes
 * anything. A primitive other than `undefined` passes on `typeof` alone (no property lookup);
 * small enough for the hot paths to inline.
 *
 * @throws UndefinedValueError (`ERR_UNDEFINED_VALUE`), ThenableValueError (`ERR_THENABLE`)
 */
export function checkValue(value: unknown): void {
  if (typeof value === "object" ? value !== null : typeof value === "function") {
    refuseThenable(value as object);
  } else if (value === undefined) {
    throw new UndefinedValueError();
  }
}

/** The slow path of `checkValue`, for objects and functions: reads `then` once. */
function refuseThenable(value: object): void {
  let then: unknown;
  try {
    then = (value as { then?: unknown }).then;
  } catch (cause) {
    // A `then` getter that throws: the value cannot be told apart from a thenable.
    throw new ThenableValueError({ cause });
  }
  if (typeof then === "function") throw new ThenableValueError();
}
