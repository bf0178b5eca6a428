// `rateLimit: { max, intervalMs }`: at most `max` runs start in any window of `intervalMs`.
// The start times of the last `max` runs are kept in a ring; a run may start once the oldest
// of them is `intervalMs` old. Exact for every window (no burst at a window edge), and smooth:
// after a burst of `max`, runs start again one by one as the burst ages out.

export class RateLimit {
  private readonly starts: Float64Array;
  private next = 0;
  private count = 0;

  constructor(
    readonly max: number,
    readonly intervalMs: number,
  ) {
    this.starts = new Float64Array(max);
  }

  /** How long (ms) until a run may start at `now`; 0: now. */
  waitMs(now: number): number {
    if (this.count < this.max) return 0;
    const oldest = this.starts[this.next]!;
    return Math.max(0, oldest + this.intervalMs - now);
  }

  /** Records a run starting at `now` (after `waitMs(now)` returned 0). */
  take(now: number): void {
    this.starts[this.next] = now;
    this.next = (this.next + 1) % this.max;
    if (this.count < this.max) this.count++;
  }
}
