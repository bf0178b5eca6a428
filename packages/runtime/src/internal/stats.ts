import type { Channel } from "@workers/channels";
import type { ChannelStats, StatsSnapshot, WorkerStats } from "../types.js";
import type { ThreadDispatcher } from "./dispatch.js";
import type { WorkerRunner } from "./worker-runner.js";

/** `stats()`: plain JSON built from the runners' counters and the channels' state. */
export function snapshot(
  runners: readonly WorkerRunner[],
  channelMap: Readonly<Record<string, Channel<unknown>>>,
  dropCounts: Readonly<Record<string, number>>,
  startedAt: number,
  dispatcher: ThreadDispatcher | undefined,
): StatsSnapshot {
  // Keyed by the user's names: no prototype, so `toString` or `constructor` is only ever a name.
  const workers: Record<string, WorkerStats> = Object.create(null);
  const errors: Record<string, number> = Object.create(null);
  for (const r of runners) {
    errors[r.name] = r.errors;
    workers[r.name] = {
      kind: r.info.kind,
      dispatch: r.info.dispatch,
      processed: r.processed,
      errors: r.errors,
      inFlight: r.inFlight,
      skippedTicks: r.skippedTicks,
      latencyMs: r.latency.summary(),
    };
  }
  const channels: Record<string, ChannelStats> = Object.create(null);
  for (const [name, ch] of Object.entries(channelMap)) {
    channels[name] = {
      size: ch.size,
      capacity: ch.capacity,
      bufferType: ch.bufferType,
      pendingPuts: ch.pendingPuts,
      pendingTakes: ch.pendingTakes,
      drops: ch.drops,
      closed: ch.closed,
    };
  }
  const base = {
    at: Date.now(),
    uptimeMs: Math.round((performance.now() - startedAt) * 1000) / 1000,
    drops: Object.assign(Object.create(null) as Record<string, number>, dropCounts),
    errors,
    workers,
    channels,
  };
  return dispatcher === undefined ? base : { ...base, threads: dispatcher.stats() };
}
