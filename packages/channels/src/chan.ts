import { Chan, KIND } from "./channel.js";
import { InvalidBufferError } from "./errors.js";
import { checkSize } from "./internal/check-size.js";
import type { Channel, ChanOptions } from "./types.js";

/**
 * Creates a channel (`chan`). A number is a fixed buffer of that size; `0` or nothing makes an
 * unbuffered channel where a put waits for a taker (rendezvous).
 *
 * @throws InvalidBufferError (`ERR_INVALID_BUFFER`) for a negative or non-integer size, a size
 * of 0 for a dropping or sliding buffer, or an unknown buffer type
 * @example
 * ```ts
 * const jobs = chan<string>(8);                                   // fixed buffer of 8
 * const events = chan<number>({ buffer: 4, bufferType: "sliding" }); // keeps the newest 4
 * ```
 */
export function chan<T>(bufferOrOptions?: number | ChanOptions<T>): Channel<T> {
  if (bufferOrOptions === undefined) return new Chan<T>(0, KIND.fixed, undefined);
  if (typeof bufferOrOptions === "number") {
    return new Chan<T>(checkSize(bufferOrOptions, "fixed"), KIND.fixed, undefined);
  }
  const type = bufferOrOptions.bufferType ?? "fixed";
  const kind = type === "fixed" || type === "dropping" || type === "sliding" ? KIND[type] : -1;
  if (kind < 0) {
    throw new InvalidBufferError(
      `bufferType must be "fixed", "dropping" or "sliding", got ${JSON.stringify(type)}`,
    );
  }
  const size = checkSize(bufferOrOptions.buffer ?? 0, type);
  const onDrop = bufferOrOptions.onDrop;
  if (onDrop !== undefined && typeof onDrop !== "function") {
    throw new InvalidBufferError(`onDrop must be a function, got ${typeof onDrop}`);
  }
  return new Chan<T>(size, kind, onDrop);
}
