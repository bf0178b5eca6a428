import type { ThreadDispatcher } from "../dispatch/types.js";
import type { TransportChannel } from "../transport/types.js";
import type {
  ChannelStats,
  LatencySummary,
  StatsSnapshot,
  WorkerInfo,
  WorkerStats,
} from "../types.js";

/** A worker's counters, as `stats()` reads them. */
export interface WorkerCounters {
  readonly name: string;
  readonly info: WorkerInfo;
  readonly processed: number;
  readonly errors: number;
  readonly inFlight: number;
  readonly skippedTicks: number;
  readonly paused: boolean;
  readonly outcomes: { readonly latency: { summary(): LatencySummary } };
}

/** `stats()`: plain JSON built from the workers' counters and the channels' state. */
export function snapshot(
  workers: readonly WorkerCounters[],
  channels: ReadonlyMap<string, TransportChannel>,
  dropCounts: Readonly<Record<string, number>>,
  startedAt: number,
  dispatcher: ThreadDispatcher | undefined,
  rates: ReadonlyMap<string, number>,
): StatsSnapshot {
  // Keyed by the user's names: built from entries (own properties only, `__proto__` included),
  // never read through the prototype.
  const workerEntries: [string, WorkerStats][] = [];
  const errorEntries: [string, number][] = [];
  for (const w of workers) {
    errorEntries.push([w.name, w.errors]);
    workerEntries.push([
      w.name,
      {
        kind: w.info.kind,
        dispatch: w.info.dispatch,
        processed: w.processed,
        errors: w.errors,
        inFlight: w.inFlight,
        skippedTicks: w.skippedTicks,
        paused: w.paused,
        rate: rates.get(`w:${w.name}`) ?? 0,
        latencyMs: w.outcomes.latency.summary(),
      },
    ]);
  }
  const channelEntries: [string, ChannelStats][] = [];
  for (const [name, ch] of channels) {
    channelEntries.push([name, { ...ch.stats(), rate: rates.get(`c:${name}`) ?? 0 }]);
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
