// The wire format between the dispatcher (main thread) and the thread host. Kept flat (arrays,
// few objects) because structured clone cost grows with the number of objects per task.
//
// Every array that crosses is packed (built by `push` or `packed`, never `new Array(n)`): V8's
// serializer writes a holey array as a sparse one, property by property, and the other side
// rebuilds it the same way, several times slower than a dense array of the same values.

import type { WireThrown } from "./error-codec.js";

/**
 * Per-message state in the shared slot array: posted, aborted before it started, or started
 * (then the slot holds the running thread's `threadId`, which is always > 0).
 */
export const SLOT_POSTED = 0;
export const SLOT_ABORTED = -1;

/** Number of Int32 slots shared with the threads (messages beyond it run untracked). */
export const SLOT_COUNT: number = 1 << 15;

/** An array of `n` times `value`, packed (see above). */
export function packed<T>(n: number, value: T): T[] {
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(value);
  return out;
}

/** The slot of the message with sequence number `seq` (while it has one, see `RunPayload.t`). */
export function slotOf(seq: number): number {
  return seq % SLOT_COUNT;
}

/** A worker as sent to the thread: name, kind, input channel (or null), module URL, export. */
export type WireWorker = readonly [string, "command" | "ticker", string | null, string, string];

/**
 * A pool task that runs messages, column by column (typed arrays clone as one block; a
 * structured clone's cost grows with the number of values).
 */
export interface RunPayload {
  readonly w: readonly WireWorker[];
  /** Index into `w` per message; `null` when every message is for `w[0]`. */
  readonly wi: Uint8Array | null;
  readonly b: readonly unknown[];
  /** Headers per message (`0` for none); `null` when no message has any. */
  readonly h: readonly (Readonly<Record<string, string>> | 0)[] | null;
  /**
   * How many messages, from the first, have a slot (`slotOf` their sequence number); the
   * others run untracked (more than `SLOT_COUNT` messages were in flight).
   */
  readonly t: number;
  /**
   * Sequence number of the first message (what an abort and a channel operation name); the
   * messages of a task are numbered consecutively, so message `k` is `q + k`.
   */
  readonly q: number;
  /** Sizes of consecutive groups run in order; `null`: every message is independent. */
  readonly g: readonly number[] | null;
  /** Message ids, sent only when a setup module (whose `around` sees them) is configured. */
  readonly m: readonly string[] | null;
  /**
   * Which run of each message this is (`ctx.attempt`; `0` for the first); `null` when every
   * message is on its first (the common case: only a retry sends them).
   */
  readonly a: Uint32Array | null;
}

/** A pool task that imports modules to check them: `[url, exportName]` pairs. */
export interface LoadPayload {
  readonly l: readonly (readonly [string, string])[];
}

/** A message's status in a run response. */
export const OUT_OK = 0;
export const OUT_ERROR = 1;
export const OUT_SKIPPED = 2;

/**
 * A run response: status per message (`null` when every message returned a value), value
 * (result or encoded error) per message, and the run time (ms).
 */
export type RunResult = readonly [Uint8Array | null, readonly unknown[], number];

/** A load response: one entry per ref, `null` when it loaded; or the setup module's error. */
export type LoadResult = readonly (WireThrown | null)[] | { readonly setup: WireThrown };

/** `workerData` given to every thread. */
export interface ThreadData {
  readonly slots: SharedArrayBuffer;
  readonly abortChannel: string;
  readonly setup: string | null;
}

/** Marks the message a thread sends (on its parent port) to hand over its control port. */
export const PORT_MARK = "@workers/runtime.thread-port";

/**
 * Sent by the main thread on a thread's control port at stop: run the setup module's
 * `shutdown()`. The thread answers with a {@link ShutdownReply}.
 */
export const SHUTDOWN_MARK = "@workers/runtime.thread-shutdown";

/** A thread's answer to {@link SHUTDOWN_MARK}: done, or the hook's error. */
export interface ShutdownReply {
  readonly [SHUTDOWN_MARK]: true;
  readonly err?: WireThrown;
}

/** A channel operation sent from a thread on its control port. */
export interface OpRequest {
  readonly id: number;
  readonly w: string;
  readonly c: string;
  readonly o: "put" | "offer";
  readonly v: unknown;
  /** The issuing message's sequence number. */
  readonly q?: number;
}

/** The main thread's answer to an `OpRequest`. */
export type OpResponse =
  | { readonly id: number; readonly ok: boolean }
  | { readonly id: number; readonly err: WireThrown };
