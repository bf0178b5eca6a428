// The wire format between the dispatcher (main thread) and the thread host. Kept flat (arrays,
// few objects) because structured clone cost grows with the number of objects per task.

import type { WireThrown } from "./error-codec.js";

/**
 * Per-message state in the shared slot array: posted, aborted before it started, or started
 * (then the slot holds the running thread's `threadId`, which is always > 0).
 */
export const SLOT_POSTED = 0;
export const SLOT_ABORTED = -1;

/** Number of Int32 slots shared with the threads (messages beyond it run untracked). */
export const SLOT_COUNT: number = 1 << 15;

/** A worker as sent to the thread: name, kind, input channel (or null), module URL, export. */
export type WireWorker = readonly [string, "command" | "ticker", string | null, string, string];

/** Fields of one message in `RunPayload.i`, in this order (headers are `0` when empty). */
export const ITEM_WORKER = 0;
export const ITEM_BODY = 1;
export const ITEM_HEADERS = 2;
export const ITEM_SLOT = 3;
export const ITEM_SEQ = 4;
export const ITEM_STRIDE = 5;

/** A pool task that runs messages. */
export interface RunPayload {
  readonly w: readonly WireWorker[];
  /** Messages, flattened by `ITEM_STRIDE`. */
  readonly i: readonly unknown[];
  /** Sizes of consecutive groups run in order; `null`: every message is independent. */
  readonly g: readonly number[] | null;
  /** Message ids, sent only when a setup module (whose `around` sees them) is configured. */
  readonly m: readonly string[] | null;
}

/** A pool task that imports modules to check them: `[url, exportName]` pairs. */
export interface LoadPayload {
  readonly l: readonly (readonly [string, string])[];
}

/** Per message in a run response: status then value; the last element is the run time (ms). */
export const OUT_OK = 0;
export const OUT_ERROR = 1;
export const OUT_SKIPPED = 2;

/** A load response: one entry per ref, `null` when it loaded. */
export type LoadResult = readonly (WireThrown | null)[];

/** `workerData` given to every thread. */
export interface ThreadData {
  readonly slots: SharedArrayBuffer;
  readonly abortChannel: string;
  readonly setup: string | null;
}

/** Marks the message a thread sends (on its parent port) to hand over its control port. */
export const PORT_MARK = "@workers/runtime.thread-port";

/** A channel operation sent from a thread on its control port. */
export interface OpRequest {
  readonly id: number;
  readonly w: string;
  readonly c: string;
  readonly o: "put" | "offer";
  readonly v: unknown;
}

/** The main thread's answer to an `OpRequest`. */
export type OpResponse =
  | { readonly id: number; readonly ok: boolean }
  | { readonly id: number; readonly err: WireThrown };
