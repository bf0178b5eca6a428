import { background, checkOnError, type ErrorHandler, report } from "./internal/report.js";
import type { Channel, CombinatorOptions } from "./types.js";

/** Options of `pipe`. */
export interface PipeOptions extends CombinatorOptions {
  /** Close `to` when `from` closes (or when the pipe fails). @default true */
  close?: boolean | undefined;
}

/**
 * Moves every value from `from` to `to` (`pipe`), with backpressure; when `from` closes, `to`
 * is closed too unless `close` is false. Stops when `to` refuses a value (closed). If a take
 * or put throws (e.g. `PendingLimitError` on a `to` already holding 1024 pending puts), the
 * pipe stops, closes `to` (per `close`) and hands the error to `onError` (printed with
 * `console.error` without one; never an unhandled rejection). Returns `to`.
 *
 * `closeOrOptions` is core.async's `close?` flag, or `{ close, onError }`.
 *
 * @throws InvalidArgumentError (`ERR_INVALID_ARGUMENT`) if `onError` is not a function
 * @example
 * ```ts
 * pipe(source, chan<number>(10));
 * pipe(source, sink, { onError: (e) => log.error(e) });
 * ```
 */
export function pipe<T>(
  from: Channel<T>,
  to: Channel<T>,
  closeOrOptions: boolean | PipeOptions = true,
): Channel<T> {
  let close = true;
  let onError: ErrorHandler | undefined;
  if (typeof closeOrOptions === "boolean") close = closeOrOptions;
  else {
    close = closeOrOptions.close ?? true;
    onError = checkOnError(closeOrOptions.onError, "pipe");
  }
  background("pipe", onError, run(from, to, close, onError));
  return to;
}

async function run<T>(
  from: Channel<T>,
  to: Channel<T>,
  close: boolean,
  onError: ErrorHandler | undefined,
): Promise<void> {
  try {
    for (;;) {
      const value = await from.take();
      if (value === undefined) break;
      if (!(await to.put(value))) return;
    }
  } catch (error) {
    // `to` closes before the error is reported, so its takers never hang.
    if (close) to.close();
    report("pipe", onError, error);
    return;
  }
  if (close) to.close();
}
