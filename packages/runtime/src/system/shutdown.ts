// `stop`: refuse new work, stop tickers, drain until quiescent (or the deadline), give up on
// what is left (shutdown drops), close channels, transports and the thread pool.

import type { ThreadDispatcher } from "../dispatch/types.js";
import { StoppedError } from "../errors.js";
import type { CommandWorker } from "../workers/command-worker.js";
import type { Job } from "../workers/outcomes.js";
import type { TickerWorker } from "../workers/ticker-worker.js";
import type { Worker } from "../workers/worker.js";
import type { SystemCore } from "./core.js";
import type { Quiescence } from "./quiescence.js";

/** Waits until quiescent or the deadline (`Infinity`: none, no timer). */
async function drainFor(quiescence: Quiescence, timeoutMs: number): Promise<boolean> {
  if (timeoutMs === Number.POSITIVE_INFINITY) return quiescence.wait();
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), timeoutMs);
  try {
    return await quiescence.wait(deadline.signal);
  } finally {
    clearTimeout(timer);
  }
}

/** How long `stop` waits for aborted work to settle before reporting it. */
export const ABORT_GRACE_MS = 100;

export interface ShutdownParts {
  readonly core: SystemCore;
  readonly quiescence: Quiescence;
  readonly commandWorkers: readonly CommandWorker[];
  readonly tickers: readonly TickerWorker[];
  readonly workers: readonly Worker[];
  readonly dispatcher: ThreadDispatcher | undefined;
  /** Whether `workers.start` was emitted (then `workers.stop` is too). */
  readonly announced: boolean;
}

export async function shutdown(
  parts: ShutdownParts,
  drain: boolean,
  timeoutMs: number,
): Promise<void> {
  const { core, commandWorkers, workers } = parts;
  const began = performance.now();
  core.beginStop();
  for (const ticker of parts.tickers) ticker.halt();
  const quiescent = drain ? await drainFor(parts.quiescence, timeoutMs) : false;
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
