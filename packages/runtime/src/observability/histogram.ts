// A bounded log-linear histogram of durations (HdrHistogram's layout, in miniature): values in
// microseconds; below 32 us one bucket per microsecond, above that 32 sub-buckets per power of
// two, so a bucket is at most ~3% wide. 32 + 27 * 32 counters cover up to 2^32 us (71 minutes);
// larger values land in the last bucket. Recording is O(1) and allocation-free (but for a new
// 10-second slice of the window, at most six per histogram).

import type { LatencySummary } from "../types.js";

const SUB_BITS = 5;
const SUB = 1 << SUB_BITS; // 32
const MAX_EXP = 31;
const BUCKETS = SUB + (MAX_EXP - SUB_BITS + 1) * SUB;

function bucketOf(us: number): number {
  if (us < SUB) return us;
  const exp = 31 - Math.clz32(us); // >= SUB_BITS
  const sub = (us >>> (exp - SUB_BITS)) & (SUB - 1);
  return SUB + (exp - SUB_BITS) * SUB + sub;
}

/** The middle of a bucket, in microseconds. */
function midpointOf(bucket: number): number {
  if (bucket < SUB) return bucket;
  const exp = Math.floor((bucket - SUB) / SUB) + SUB_BITS;
  const sub = (bucket - SUB) % SUB;
  const width = 2 ** (exp - SUB_BITS);
  return (SUB + sub) * width + width / 2;
}

/** How long a recorded duration counts in the summary: the last 60 s, in 6 slices of 10 s. */
export const WINDOW_MS = 60_000;
const SLICES = 6;
const SLICE_MS = WINDOW_MS / SLICES;

/** One slice of the window: the durations recorded in one 10-second period. */
class Slice {
  readonly counts = new Uint32Array(BUCKETS);
  total = 0;
  maxMs = 0;
  /** Which 10-second period (since the time origin) it holds. */
  period = -1;

  reset(period: number): void {
    if (this.total > 0) this.counts.fill(0);
    this.total = 0;
    this.maxMs = 0;
    this.period = period;
  }
}

/**
 * Durations over a sliding window of the last 60 s (so a p99 never goes stale): six 10-second
 * slices, the oldest reused when a new period begins. `now` is injectable for tests.
 */
export class Histogram {
  private readonly slices: Slice[] = [];
  private recorded = 0;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Records a duration that ended at `now` (callers that just read the clock pass it). */
  record(ms: number, now: number = this.now()): void {
    if (!(ms > 0)) ms = 0;
    const period = Math.floor(now / SLICE_MS);
    const slice = this.slice(period);
    if (ms > slice.maxMs) slice.maxMs = ms;
    const us = ms * 1000;
    const b = us >= 4294967295 ? BUCKETS - 1 : bucketOf(us >>> 0);
    slice.counts[b]!++;
    slice.total++;
    this.recorded++;
  }

  /** Every duration ever recorded. */
  get count(): number {
    return this.recorded;
  }

  private slice(period: number): Slice {
    const slices = this.slices;
    const i = period % SLICES;
    let slice = slices[i];
    if (slice === undefined) {
      slice = new Slice();
      slices[i] = slice;
      slice.period = period;
    } else if (slice.period !== period) {
      slice.reset(period);
    }
    return slice;
  }

  /** p50/p95/p99/max of the durations recorded in the last 60 s. */
  summary(): LatencySummary {
    const oldest = Math.floor(this.now() / SLICE_MS) - SLICES + 1;
    const live = this.slices.filter((s) => s !== undefined && s.period >= oldest && s.total > 0);
    let total = 0;
    let maxMs = 0;
    for (const s of live) {
      total += s.total;
      if (s.maxMs > maxMs) maxMs = s.maxMs;
    }
    if (total === 0) return { p50: 0, p95: 0, p99: 0, max: 0 };
    const counts = live.length === 1 ? live[0]!.counts : new Uint32Array(BUCKETS);
    if (live.length > 1) {
      for (const s of live) for (let b = 0; b < BUCKETS; b++) counts[b]! += s.counts[b]!;
    }
    const quantile = (q: number): number => {
      const rank = Math.max(1, Math.ceil(q * total));
      let seen = 0;
      for (let b = 0; b < BUCKETS; b++) {
        seen += counts[b]!;
        if (seen >= rank) return round(Math.min(midpointOf(b) / 1000, maxMs));
      }
      return round(maxMs);
    };
    return { p50: quantile(0.5), p95: quantile(0.95), p99: quantile(0.99), max: round(maxMs) };
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
