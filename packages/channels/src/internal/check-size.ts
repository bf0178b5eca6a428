import { InvalidBufferError } from "../errors.js";
import type { BufferType } from "../types.js";

/** Validates a buffer size for `type`: a non-negative integer, at least 1 unless fixed. */
export function checkSize(size: unknown, type: BufferType): number {
  if (typeof size !== "number" || !Number.isInteger(size) || size < 0) {
    throw new InvalidBufferError(
      `buffer must be a non-negative integer, got ${typeof size === "number" ? size : typeof size}`,
    );
  }
  if (size === 0 && type !== "fixed") {
    throw new InvalidBufferError(`a ${type} buffer needs a size of at least 1, got 0`);
  }
  return size;
}
