import type { WorkerInfo } from "../types.js";

/**
 * A channel as a thread worker sees it: both operations are carried out on the main thread.
 * `put` resolves once the channel accepted the value (so a full channel holds the thread
 * worker back: backpressure), `false` if it was closed; `offer` resolves at once with whether
 * the channel took the value. Values are copied (structured clone) unless marked with
 * `transfer`; `undefined` is refused with a `TypeError`.
 */
export interface ThreadChannel<T = unknown> {
  put(value: T): Promise<boolean>;
  offer(value: T): Promise<boolean>;
}

/**
 * The `ctx` of a `dispatch: "thread"` worker. Components stay on the main thread: open
 * per-thread resources (a database client, a compiled model) at module scope of the worker's
 * module, which every pool thread imports once.
 *
 * @example
 * ```ts
 * import { transfer, type ThreadWorkerContext } from "@workers/runtime";
 * import { createGzip } from "node:zlib";
 *
 * // Module scope: runs once in every pool thread that imports this module.
 * const level = Number(process.env.GZIP_LEVEL ?? 6);
 *
 * export async function compress(ctx: ThreadWorkerContext, msg: { text: string }) {
 *   const chunks: Buffer[] = [];
 *   const gzip = createGzip({ level });
 *   gzip.on("data", (c: Buffer) => chunks.push(c));
 *   gzip.end(msg.text);
 *   await new Promise((resolve) => gzip.on("end", resolve));
 *   const bytes = new Uint8Array(Buffer.concat(chunks));
 *   await ctx.channels["compressed/out"]?.put(transfer(bytes)); // moved, not copied
 * }
 * ```
 */
export interface ThreadWorkerContext {
  /** The worker's name, kind, dispatch (`"thread"`) and input channel. */
  readonly worker: WorkerInfo;
  /** The message's headers (trace context); `{}` when there are none. */
  readonly headers: Readonly<Record<string, string>>;
  /**
   * Which run of the message this is: 1 for the first, then 2, 3... when the worker's `retry`
   * policy runs it again after a failure.
   */
  readonly attempt: number;
  /**
   * Aborted when the request times out or is aborted, or when `stop` gives up on in-flight
   * work. A function that ignores it keeps its thread busy until `abortGraceMs` (2 s), after
   * which the thread is terminated and replaced.
   */
  readonly signal: AbortSignal;
  /** Proxies of the system's channels, by name. */
  readonly channels: Readonly<Record<string, ThreadChannel | undefined>>;
}
