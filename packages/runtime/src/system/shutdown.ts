// `stop`: refuse new work, stop tickers, drain until quiescent (or the deadline), give up on
// what is left (shutdown drops), close channels, transports and the thread pool.

import type { ThreadDispatcher } from "../dispatch/types.js";
import { StoppedError } from "../errors.js";
import type { CommandWorker } from "../workers/command-worker.js";
import type { Job } from "../workers/outcomes.js";
import type { TickerWorker } from "../workers/ticker-worker.js";
import type { Worker } from "../workers/worker.js";
import type { SystemCore } from "./core.js";

/** How long `stop` waits for aborted work to settle before reporting it. */
export const ABORT_GRACE_MS = 100;

export interface ShutdownParts {
  readonly core: SystemCore;
  readonly commandWorkers: readonly CommandWorker[];
  readonly tickers: readonly TickerWorker[];
  readonly workers: readonly Worker[];
  readonly dispatcher: ThreadDispatcher | undefined;
  /** Whether `workers.start` was emitted (then `workers.stop` is too). */
  readonly announced: boolean;
}

function isQuiescent(parts: ShutdownParts): boolean {
  if (parts.core.pendingOps > 0) return false;
  for (const w of parts.workers) if (w.inFlight > 0) return false;
  for (const w of parts.commandWorkers) {
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
 * Resolves `true` once the system is quiescent, `false` at the deadline. Quiescence is checked
 * again when the waiting code resumes: a value that arrived in between (handed to a loop whose
 * continuation has not run yet) means waiting on.
 */
async function waitQuiescent(parts: ShutdownParts, timeoutMs: number): Promise<boolean> {
  const core = parts.core;
  let timedOut = false;
  let wake: (() => void) | undefined;
  // Infinity: no deadline, no timer.
  const timer =
    timeoutMs === Number.POSITIVE_INFINITY
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          core.onProgress = undefined;
          wake?.();
        }, timeoutMs);
  try {
    for (;;) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        const check = (): void => {
          if (isQuiescent(parts)) {
            core.onProgress = undefined;
            resolve();
          }
        };
        core.onProgress = check;
        check();
      });
      if (timedOut) return false;
      if (isQuiescent(parts)) return true;
    }
  } finally {
    core.onProgress = undefined;
    clearTimeout(timer);
  }
}

export async function shutdown(
  parts: ShutdownParts,
  drain: boolean,
  timeoutMs: number,
): Promise<void> {
  const { core, commandWorkers, workers } = parts;
  const began = performance.now();
  core.phase = "stopping";
  for (const ticker of parts.tickers) ticker.halt();
  const quiescent = drain ? await waitQuiescent(parts, timeoutMs) : false;
  for (const worker of commandWorkers) worker.halt();

  const jobs: Job[] = [];
  for (const w of workers) for (const job of w.jobs) jobs.push(job);
  const reason = new StoppedError("The workers system stopped before this message finished");
  if (jobs.length > 0) {
    // The pool answers an aborted thread message at once with the abort's reason, whatever
    // the thread does: what a thread worker still runs here is a shutdown drop, reported
    // before the abort (its late outcome is ignored), never an error of the worker.
    for (const w of workers) {
      if (w.thread) for (const job of [...w.jobs]) w.outcomes.abandon(job);
    }
    core.abortAll(reason);
    for (const job of jobs) job.env?.abort?.abort(reason);
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.all(jobs.map((job) => job.settled)),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, ABORT_GRACE_MS);
      }),
    ]);
    clearTimeout(timer);
    for (const w of workers) for (const job of [...w.jobs]) w.outcomes.abandon(job);
  }

  for (const ch of core.transportChannels.values()) ch.close();
  for (const worker of commandWorkers) {
    // What an acknowledged transport still holds stays there for the next consumer.
    if (worker.acknowledged) continue;
    const ch = worker.channel;
    for (let v = ch.poll(); v !== undefined; v = ch.poll()) worker.giveUp(v);
  }
  await Promise.all(commandWorkers.map((w) => w.loopDone));
  core.abortAll(reason);
  try {
    await parts.dispatcher?.close();
    for (const transport of core.openTransports) await transport.close?.();
  } finally {
    core.guard?.disable();
    core.phase = "stopped";
    if (parts.announced) {
      let remaining = 0;
      for (const ch of core.transportChannels.values()) {
        if (ch.acknowledged) remaining += ch.stats().size;
      }
      core.obs.emit({
        type: "workers.stop",
        drain,
        timedOut: drain && !quiescent,
        shutdownDrops: core.shutdownDrops,
        remaining,
        durationMs: Math.round((performance.now() - began) * 1000) / 1000,
        at: Date.now(),
      });
    }
  }
}
