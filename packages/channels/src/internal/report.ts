import { InvalidArgumentError } from "../errors.js";
import { hostPrintError } from "./host.js";

/** The `onError` option of a combinator. */
export type ErrorHandler = (error: unknown) => void;

/** Validates an `onError` option once, when the combinator is created. */
export function checkOnError(onError: unknown, name: string): ErrorHandler | undefined {
  if (onError === undefined || typeof onError === "function") {
    return onError as ErrorHandler | undefined;
  }
  throw new InvalidArgumentError(`${name}: onError must be a function, got ${typeof onError}`);
}

/**
 * Reports the error that stopped a combinator's background loop. Callers close the outputs
 * first, synchronously, so `onError` runs before their takers resume (they resume in
 * microtasks). Without
 * `onError` (or when it throws) the error is printed with `console.error`. Never throws: a
 * background loop has no caller to reject.
 */
export function report(name: string, onError: ErrorHandler | undefined, error: unknown): void {
  if (onError === undefined) {
    hostPrintError(
      `@workers/channels: ${name} stopped and closed its outputs after this error (pass onError to handle it):`,
      error,
    );
    return;
  }
  try {
    onError(error);
  } catch (handlerError) {
    hostPrintError(
      `@workers/channels: ${name}'s onError threw`,
      handlerError,
      "while handling",
      error,
    );
  }
}

/**
 * Runs a combinator's background loop. The loop reports its own failures (after closing its
 * outputs); anything that still escapes it is reported too, so nothing ever becomes an
 * unhandled rejection.
 */
export function background(
  name: string,
  onError: ErrorHandler | undefined,
  loop: Promise<unknown>,
): void {
  loop.then(undefined, (error: unknown) => report(name, onError, error));
}
