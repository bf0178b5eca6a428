// Runs inside every pool thread: the dispatcher broadcasts the sequence number of an aborted
// message; the pool task running it aborts its ctx.signal.

import { BroadcastChannel, workerData } from "node:worker_threads";
import type { ThreadData } from "./protocol.js";

/** A pool task running in this thread, as an abort reaches it. */
export interface AbortableRun {
  abort(seq: number): void;
}

/** Pool tasks running in this thread (a handful: `concurrentTasksPerThread`). */
export const runs: Set<AbortableRun> = new Set<AbortableRun>();
const aborts = new BroadcastChannel((workerData as ThreadData).abortChannel);
aborts.onmessage = (event) => {
  const seq = (event as { data: number }).data;
  for (const run of runs) run.abort(seq);
};
aborts.unref();
