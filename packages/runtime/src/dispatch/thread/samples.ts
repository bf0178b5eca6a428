/** A percentile summary in milliseconds. */
export interface Percentiles {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

const SIZE = 1024;

/** The last 1024 samples of a duration, summarised on demand (internal). */
export class Samples {
  readonly #values = new Float64Array(SIZE);
  #count = 0;

  add(ms: number): void {
    this.#values[this.#count++ % SIZE] = ms;
  }

  summary(): Percentiles {
    const n = Math.min(this.#count, SIZE);
    if (n === 0) return { p50: 0, p95: 0, p99: 0, max: 0 };
    const sorted = this.#values.slice(0, n).sort();
    const at = (q: number): number => round(sorted[Math.min(n - 1, Math.floor(q * n))] as number);
    return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: round(sorted[n - 1] as number) };
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
