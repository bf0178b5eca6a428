import type { Headers } from "@workers/runtime";

// When `inject` saw a put, for the queue wait of a message whose `ProcessInfo` comes without
// `enqueuedAt` (the runtime passes it; another host may not). Kept on the headers object itself under a
// symbol, non-enumerable: invisible to `Object.keys`, spread, JSON, structured clone (the copy
// sent to a thread) and deep equality, so the headers still hold strings only. A WeakMap keyed
// by the headers did the same, but its ephemeron table cost the garbage collector up to a
// tenth of the component's time in a busy pipeline.
const PUT_AT = Symbol("@workers/otel put time");

/** Records `at` (monotonic ms) on `headers`; a carrier that cannot take it is left as it is. */
export function stampPut(headers: Headers, at: number): void {
  if (Object.isExtensible(headers)) Object.defineProperty(headers, PUT_AT, { value: at });
}

/** The time `stampPut` recorded on these headers, if any. */
export function putTime(headers: Readonly<Headers>): number | undefined {
  const at = (headers as Readonly<Record<symbol, unknown>>)[PUT_AT];
  return typeof at === "number" ? at : undefined;
}
