// A bounded log-linear histogram of durations (HdrHistogram's layout, in miniature): values in
// microseconds; below 32 us one bucket per microsecond, above that 32 sub-buckets per power of
// two, so a bucket is at most ~3% wide. 32 + 27 * 32 counters cover up to 2^32 us (71 minutes);
// larger values land in the last bucket. Recording is O(1) and allocation-free.

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

export class Histogram {
  private readonly counts = new Uint32Array(BUCKETS);
  private total = 0;
  private maxMs = 0;

  record(ms: number): void {
    if (!(ms > 0)) ms = 0;
    if (ms > this.maxMs) this.maxMs = ms;
    const us = ms * 1000;
    const b = us >= 4294967295 ? BUCKETS - 1 : bucketOf(us >>> 0);
    this.counts[b]!++;
    this.total++;
  }

  get count(): number {
    return this.total;
  }

  summary(): LatencySummary {
    if (this.total === 0) return { p50: 0, p95: 0, p99: 0, max: 0 };
    return {
      p50: this.quantile(0.5),
      p95: this.quantile(0.95),
      p99: this.quantile(0.99),
      max: round(this.maxMs),
    };
  }

  private quantile(q: number): number {
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let b = 0; b < BUCKETS; b++) {
      seen += this.counts[b]!;
      if (seen >= rank) return round(Math.min(midpointOf(b) / 1000, this.maxMs));
    }
    return round(this.maxMs);
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
