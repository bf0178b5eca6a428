// `stats()`: the shapes of its plain-JSON snapshot.

import type { BufferType } from "@workers/channels";
import type { ThreadPoolStats } from "./threads.js";

/** p50/p95/p99/max in milliseconds over the last 60 s (a bounded log-linear histogram, buckets at most ~3% wide). */
export interface LatencySummary {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/** One worker in `stats().workers`. */
export interface WorkerStats {
  readonly kind: "command" | "ticker";
  readonly dispatch: "go" | "thread";
  /** Messages (ticks) whose function returned. */
  readonly processed: number;
  /** Messages (ticks) whose function threw or rejected. */
  readonly errors: number;
  /** Messages being processed now. */
  readonly inFlight: number;
  /** Ticker slots skipped (previous tick still running, or missed during a stall). */
  readonly skippedTicks: number;
  /** `pause()`d (or started with `paused: true`) and not resumed. */
  readonly paused: boolean;
  /** Messages (ticks) a second that ended (processed or failed) over the last 10 s. */
  readonly rate: number;
  /**
   * Processing time (function call to outcome handled, output offer included). Sampled: the
   * first 64 messages, then one in 128 (and asynchronous ones started while idle).
   */
  readonly latencyMs: LatencySummary;
}

/** A channel's state, as its transport reports it (`TransportChannel.stats()`). */
export interface ChannelState {
  readonly size: number;
  readonly capacity: number;
  readonly bufferType: BufferType;
  readonly pendingPuts: number;
  readonly pendingTakes: number;
  /** Values its dropping/sliding buffer discarded. */
  readonly drops: number;
  readonly closed: boolean;
}

/** One channel in `stats().channels`: its state (as its transport reports it) and its rate. */
export interface ChannelStats extends ChannelState {
  /**
   * Messages a second over the last 10 s: for a worker's input, those its worker took; for
   * another channel, the results, ticks and error events the runtime put on it (values put
   * straight on `system.channels` are not counted).
   */
  readonly rate: number;
}

/** `stats()`: plain JSON, a superset of the seed's `{ drops, errors }`. */
export interface StatsSnapshot {
  /** Epoch ms. */
  readonly at: number;
  readonly uptimeMs: number;
  /** Drop events per channel (every reason). */
  readonly drops: Readonly<Record<string, number>>;
  /** Errors per worker. */
  readonly errors: Readonly<Record<string, number>>;
  readonly workers: Readonly<Record<string, WorkerStats>>;
  readonly channels: Readonly<Record<string, ChannelStats>>;
  /** The thread pool, when the system has one. */
  readonly threads?: ThreadPoolStats;
}
