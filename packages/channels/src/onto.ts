import { chan } from "./chan.js";
import { background, checkOnError, type ErrorHandler, report } from "./internal/report.js";
import type { Channel, ChanOptions, CombinatorOptions } from "./types.js";

/** Options of `onto`. */
export interface OntoOptions {
  /** Close `ch` once every value is put (or when `onto` fails). @default true */
  close?: boolean | undefined;
  /**
   * Receives the error that stopped `onto` (the iterable threw, or a put threw: a thenable or
   * `undefined` value, `PendingLimitError`), once `ch` is closed (per `close`); the promise then
   * resolves `false` instead of rejecting. An error `onError` throws is printed with
   * `console.error`.
   */
  onError?: ((error: unknown) => void) | undefined;
}

/**
 * Puts every value of an iterable or async iterable onto `ch`, one at a time with
 * backpressure (`onto-chan!`), then closes `ch` unless `close` is false. Resolves `true` when
 * every value was accepted, `false` if `ch` was closed first (the rest are not put). If the
 * iterable or a put throws, `ch` is closed all the same (per `close`) and the promise rejects
 * with the error, or, given `onError`, the error goes there and the promise resolves `false`.
 *
 * Values are put as they come: a promise in a plain iterable is refused like any put of a
 * thenable (`ERR_THENABLE`), not awaited (as `for await` would). (An async generator's
 * `yield` awaits what it yields; that is the generator's doing.)
 *
 * `closeOrOptions` is core.async's `close?` flag, or `{ close, onError }`.
 *
 * @throws UndefinedValueError (`ERR_UNDEFINED_VALUE`), ThenableValueError (`ERR_THENABLE`),
 * PendingLimitError (`ERR_PENDING_LIMIT`): as a rejection, for a value `ch` refuses;
 * InvalidArgumentError (`ERR_INVALID_ARGUMENT`), synchronously, if `onError` is not a function
 * @example
 * ```ts
 * await onto(ch, [1, 2, 3]);
 * ```
 */
export function onto<T>(
  ch: Channel<T>,
  values: Iterable<T> | AsyncIterable<T>,
  closeOrOptions: boolean | OntoOptions = true,
): Promise<boolean> {
  let close = true;
  let fail: ErrorHandler | undefined;
  if (typeof closeOrOptions === "boolean") close = closeOrOptions;
  else {
    close = closeOrOptions.close ?? true;
    const onError = checkOnError(closeOrOptions.onError, "onto");
    if (onError !== undefined) fail = (error) => report("onto", onError, error);
  }
  return run(ch, values, close, fail);
}

/** `onto`'s loop; a failure rejects, or goes to `fail` (which never throws) if given. */
async function run<T>(
  ch: Channel<T>,
  values: Iterable<T> | AsyncIterable<T>,
  close: boolean,
  fail: ErrorHandler | undefined,
): Promise<boolean> {
  let all: boolean;
  try {
    all = await (Symbol.asyncIterator in Object(values)
      ? putAsyncIterable(ch, values as AsyncIterable<T>)
      : putIterable(ch, values as Iterable<T>));
  } catch (error) {
    // Closed before the error goes anywhere, so takers never hang.
    if (close) ch.close();
    if (fail === undefined) throw error;
    fail(error);
    return false;
  }
  if (close) ch.close();
  return all;
}

async function putAsyncIterable<T>(ch: Channel<T>, values: AsyncIterable<T>): Promise<boolean> {
  for await (const value of values) if (!(await ch.put(value))) return false;
  return true;
}

/** A plain iterable is iterated as such: `for await` would adopt the promises in it. */
async function putIterable<T>(ch: Channel<T>, values: Iterable<T>): Promise<boolean> {
  for (const value of values) if (!(await ch.put(value))) return false;
  return true;
}

/**
 * A channel that yields the values of an iterable or async iterable, then closes
 * (`to-chan!`). Without `bufferOrOptions`, an array or other collection with a `length` or
 * `size` gets a buffer of up to 100 values, anything else is unbuffered. If the iterable
 * throws or holds a value a channel refuses (a promise: `ERR_THENABLE`), the channel closes
 * after the values before it and the error goes to `onError` (printed with `console.error`
 * without one; never an unhandled rejection). Use `onto` to await the outcome instead.
 *
 * @throws InvalidBufferError (`ERR_INVALID_BUFFER`) for a bad buffer, InvalidArgumentError
 * (`ERR_INVALID_ARGUMENT`) if `onError` is not a function
 * @example
 * ```ts
 * const ch = toChan(["a", "b"]);
 * await ch.take(); // "a"
 * ```
 */
export function toChan<T>(
  values: Iterable<T> | AsyncIterable<T>,
  bufferOrOptions?: number | ChanOptions<T>,
  options?: CombinatorOptions,
): Channel<T> {
  const onError = checkOnError(options?.onError, "toChan");
  let buffer = bufferOrOptions;
  if (buffer === undefined) {
    const sized = values as { length?: unknown; size?: unknown };
    const n = typeof sized.length === "number" ? sized.length : sized.size;
    buffer = typeof n === "number" ? Math.min(n, 100) : 0;
  }
  const ch = chan<T>(buffer);
  const fail: ErrorHandler = (error) => report("toChan", onError, error);
  // With `fail`, `run` never rejects; `background` is the backstop all the same.
  background("toChan", onError, run(ch, values, true, fail));
  return ch;
}
