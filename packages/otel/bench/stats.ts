/** A measured scenario: `round(n)` handles `n` messages. */
export interface Scenario {
  readonly name: string;
  round(n: number): Promise<void>;
}

export interface Result {
  readonly name: string;
  /** Median ns per message over the rounds. */
  readonly ns: number;
}

/**
 * Runs the scenarios in turns (one round each, `rounds` times) so that a busy machine slows
 * them alike, after a warm-up round each; returns the median ns per message of each.
 */
export async function interleaved(
  scenarios: readonly Scenario[],
  n: number,
  rounds: number,
): Promise<Result[]> {
  for (const s of scenarios) await s.round(Math.max(1, Math.floor(n / 2)));
  const samples = scenarios.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    for (const [i, s] of scenarios.entries()) {
      const t0 = process.hrtime.bigint();
      await s.round(n);
      samples[i]!.push(Number(process.hrtime.bigint() - t0) / n);
    }
  }
  return scenarios.map((s, i) => {
    const sorted = samples[i]!.sort((a, b) => a - b);
    return { name: s.name, ns: sorted[Math.floor(sorted.length / 2)]! };
  });
}

export function fmt(ns: number): string {
  return ns >= 10_000 ? `${(ns / 1000).toFixed(1)} µs` : `${(ns / 1000).toFixed(2)} µs`;
}
