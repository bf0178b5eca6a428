import type { Channel } from "@workers/channels";
import type { ThreadDispatcher } from "../dispatch/types.js";
import type { ChannelStats, StatsSnapshot, WorkerStats } from "../types.js";
import type { WorkerRunner } from "../workers/worker-runner.js";

/** `stats()`: plain JSON built from the runners' counters and the channels' state. */
export function snapshot(
  runners: readonly WorkerRunner[],
  channelMap: Readonly<Record<string, Channel<unknown>>>,
  dropCounts: Readonly<Record<string, number>>,
  startedAt: number,
  dispatcher: ThreadDispatcher | undefined,
): StatsSnapshot {
  // Keyed by the user's names: built from entries (own properties only, `__proto__` included),
  // never read through the prototype.
  const workerEntries: [string, WorkerStats][] = [];
  const errorEntries: [string, number][] = [];
  for (const r of runners) {
    errorEntries.push([r.name, r.errors]);
    workerEntries.push([
      r.name,
      {
        kind: r.info.kind,
        dispatch: r.info.dispatch,
        processed: r.processed,
        errors: r.errors,
        inFlight: r.inFlight,
        skippedTicks: r.skippedTicks,
        latencyMs: r.latency.summary(),
      },
    ]);
  }
  const channelEntries: [string, ChannelStats][] = [];
  for (const [name, ch] of Object.entries(channelMap)) {
    channelEntries.push([
      name,
      {
        size: ch.size,
        capacity: ch.capacity,
        bufferType: ch.bufferType,
        pendingPuts: ch.pendingPuts,
        pendingTakes: ch.pendingTakes,
        drops: ch.drops,
        closed: ch.closed,
      },
    ]);
  }
  const base = {
    at: Date.now(),
    uptimeMs: Math.round((performance.now() - startedAt) * 1000) / 1000,
    drops: Object.fromEntries(Object.entries(dropCounts)),
    errors: Object.fromEntries(errorEntries),
    workers: Object.fromEntries(workerEntries),
    channels: Object.fromEntries(channelEntries),
  };
  return dispatcher === undefined ? base : { ...base, threads: dispatcher.stats() };
}
