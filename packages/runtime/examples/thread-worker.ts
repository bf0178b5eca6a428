// A thread worker module: every pool thread imports it once. `components` stay on the main
// thread, so per-thread resources (a database client, a sharp pipeline, a compiled model) are
// opened here, at module scope, once per thread.
import { threadId } from "node:worker_threads";
import { type ThreadWorkerContext, transfer } from "@workers/runtime";

// A CRC-32 table: built once in each thread, reused by every message that thread runs.
const table = new Int32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});

function crc32(bytes: Uint8Array): number {
  let crc = -1;
  for (const byte of bytes) crc = (table[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}

/** Checksums the bytes, hands them on without a copy, and returns the checksum. */
export async function checksum(ctx: ThreadWorkerContext, bytes: Uint8Array) {
  if (ctx.signal.aborted) throw ctx.signal.reason; // a request timeout or stop's deadline
  const crc = crc32(bytes);
  // `transfer` moves the bytes' buffer to the main thread (this thread's view is detached).
  await ctx.channels["blobs/stored"]?.put(transfer(bytes));
  return { crc, threadId };
}

/** A batch worker: trivial messages, many per pool task. */
export function double(_ctx: ThreadWorkerContext, n: number): number {
  return n * 2;
}
