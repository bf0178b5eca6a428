/** A measured scenario: `round(n)` handles `n` messages (or hops). */
export interface Scenario {
  readonly name: string;
  round(n: number): Promise<void>;
  /** How many messages a round handles, when not the group's `n`. */
  readonly n?: number;
}

export interface Result {
  readonly name: string;
  /** Median ns per message over the rounds. */
  readonly ns: number;
  /** ns per message of each round, in round order. */
  readonly rounds: readonly number[];
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * Runs the scenarios in turns (one round each, `rounds` times) so that a busy machine slows
 * them alike, after a warm-up round each; returns the median ns per message of each, and each
 * round's figure (for figures derived round by round, from scenarios measured side by side).
 */
export async function interleaved(
  scenarios: readonly Scenario[],
  n: number,
  rounds: number,
): Promise<Result[]> {
  for (const s of scenarios) await s.round(Math.max(1, Math.floor((s.n ?? n) / 2)));
  const samples = scenarios.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    for (const [i, s] of scenarios.entries()) {
      const count = s.n ?? n;
      const t0 = process.hrtime.bigint();
      await s.round(count);
      samples[i]!.push(Number(process.hrtime.bigint() - t0) / count);
    }
  }
  return scenarios.map((s, i) => ({ name: s.name, ns: median(samples[i]!), rounds: samples[i]! }));
}

/** The median over rounds of `f` applied to the scenarios' figures of the same round. */
export function perRound(results: readonly Result[], f: (ns: readonly number[]) => number): number {
  const count = results[0]!.rounds.length;
  const values: number[] = [];
  for (let r = 0; r < count; r++) values.push(f(results.map((x) => x.rounds[r]!)));
  return median(values);
}

export function fmt(ns: number): string {
  const sign = ns < 0 ? "-" : "";
  const abs = Math.abs(ns);
  return abs >= 10_000
    ? `${sign}${(abs / 1000).toFixed(1)} µs`
    : `${sign}${(abs / 1000).toFixed(2)} µs`;
}
