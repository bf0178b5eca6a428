// `rate` in `stats()`: messages a second over the last 10 s, from cumulative counts. Each
// `stats()` call keeps a sample of the counts (at most one a second); a rate is the change
// since the newest sample at least 10 s old (or since the start, in a system's first 10 s).
// Nothing runs between calls: no timer, nothing on a message's path.

export const RATE_WINDOW_MS = 10_000;
const SAMPLE_EVERY_MS = 1000;

interface Sample {
  readonly at: number;
  readonly counts: ReadonlyMap<string, number>;
}

export class Rates {
  private samples: Sample[];

  constructor(startedAt: number) {
    this.samples = [{ at: startedAt, counts: new Map() }];
  }

  /** Messages a second for each key, given the cumulative counts at `now` (ms). */
  rates(now: number, counts: ReadonlyMap<string, number>): Map<string, number> {
    const samples = this.samples;
    let base = samples[0]!;
    for (const s of samples) {
      if (now - s.at >= RATE_WINDOW_MS) base = s;
      else break;
    }
    const seconds = (now - base.at) / 1000;
    const out = new Map<string, number>();
    for (const [key, count] of counts) {
      const delta = count - (base.counts.get(key) ?? 0);
      out.set(key, seconds > 0 ? Math.round((delta / seconds) * 100) / 100 : 0);
    }
    if (now - samples[samples.length - 1]!.at >= SAMPLE_EVERY_MS) {
      samples.push({ at: now, counts: new Map(counts) });
    }
    // Samples older than the base are no longer needed.
    const keep = samples.indexOf(base);
    if (keep > 0) this.samples = samples.slice(keep);
    return out;
  }
}
