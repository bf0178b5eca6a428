// When the system is idle: every input channel empty with its loop parked in `take()`, nothing
// in flight, no thread channel put parked. `stop` drains until then; `onIdle()` waits for it.

import type { CommandWorker } from "../workers/command-worker.js";
import type { Worker } from "../workers/worker.js";
import type { SystemCore } from "./core.js";

export class Quiescence {
  private readonly waiters = new Set<() => void>();

  constructor(
    private readonly core: SystemCore,
    private readonly commandWorkers: readonly CommandWorker[],
    private readonly workers: readonly Worker[],
  ) {}

  isQuiescent(): boolean {
    if (this.core.pendingOps > 0) return false;
    for (const w of this.workers) if (w.inFlight > 0) return false;
    for (const w of this.commandWorkers) {
      if (w.exited) continue;
      const ch = w.channel;
      if (ch.size > 0 || ch.pendingPuts > 0) return false;
      // Parked in take() with the take still pending: a take that was just handed a value
      // (its continuation not yet run) shows as pendingTakes 0.
      if (!w.waiting || ch.pendingTakes === 0) return false;
    }
    return true;
  }

  /**
   * Resolves `true` once quiescent, `false` when `signal` aborts first. Quiescence is checked
   * again when the waiting code resumes: a value that arrived in between (handed to a loop
   * whose continuation has not run yet) means waiting on.
   */
  async wait(signal?: AbortSignal): Promise<boolean> {
    for (;;) {
      if (signal?.aborted) return false;
      await new Promise<void>((resolve) => {
        const done = (): void => {
          this.waiters.delete(check);
          if (this.waiters.size === 0) this.core.onProgress = undefined;
          signal?.removeEventListener("abort", done);
          resolve();
        };
        const check = (): void => {
          if (this.isQuiescent()) done();
        };
        this.waiters.add(check);
        this.core.onProgress = this.progress;
        signal?.addEventListener("abort", done, { once: true });
        check();
      });
      if (signal?.aborted) return false;
      if (this.isQuiescent()) return true;
    }
  }

  private readonly progress = (): void => {
    for (const check of [...this.waiters]) check();
  };
}
