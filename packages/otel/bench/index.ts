// Overhead of @workers/otel, in one process: the runtime without the component, with it and no
// SDK (the no-op API), and with a real SDK (BatchSpanProcessor, an exporter that discards,
// metrics aggregating in memory). Run: pnpm --filter @workers/otel bench
import { hookRound, otelObservability } from "./hooks.js";
import { type Pipeline, startPipeline } from "./pipeline.js";
import { enableContextManager, startSdk } from "./sdk.js";
import { fmt, interleaved, type Result } from "./stats.js";

const N = Number(process.env.BENCH_MESSAGES ?? 5_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);

function table(title: string, rows: readonly Result[]): void {
  const baseline = rows[0]!.ns;
  console.log(`\n${title}\n`);
  console.log("| scenario | per message | overhead |");
  console.log("| --- | ---: | ---: |");
  for (const r of rows) {
    const extra = r.ns - baseline;
    const over =
      r === rows[0]
        ? "baseline"
        : `${extra >= 0 ? "+" : "-"}${fmt(Math.abs(extra))} (${((r.ns / baseline - 1) * 100).toFixed(0)}%)`;
    console.log(`| ${r.name} | ${fmt(r.ns)} | ${over} |`);
  }
}

async function pipelines(entries: readonly [string, object | undefined][]): Promise<Result[]> {
  const started: Pipeline[] = [];
  try {
    for (const [, obs] of entries) started.push(await startPipeline(obs));
    return await interleaved(
      entries.map(([name], i) => ({ name, round: (n: number) => started[i]!.round(n) })),
      N,
      ROUNDS,
    );
  } finally {
    for (const p of started) await p.stop();
  }
}

console.log(`node ${process.version}, ${N} messages a round, median of ${ROUNDS} rounds`);

// The runtime: a 3-stage go pipeline (3 puts + 3 processings per message).
// Hooks that do nothing: what the runtime itself spends on instrumentation (envelope headers,
// channel facades, the `around` path), apart from what this package does in them.
const passThrough = {
  emit(): void {},
  inject(): void {},
  around: <T>(_info: unknown, _headers: unknown, run: () => Promise<T>): Promise<T> => run(),
};
const noSdk = await pipelines([
  ["runtime without the component", undefined],
  ["runtime with empty inject/around hooks", passThrough],
  ["+ otelObservability(), no SDK registered", otelObservability()],
]);
const disable = enableContextManager();
const sdk = startSdk();
const providers = { tracerProvider: sdk.tracerProvider, meterProvider: sdk.meterProvider };
const withSdk = await pipelines([
  ["runtime without the component, AsyncLocalStorage context manager on", undefined],
  ["+ otelObservability() with the SDK, exporter discarding", otelObservability(providers)],
]);
table("3-stage pipeline through @workers/runtime, no SDK (per message = 3 hops)", noSdk);
table("3-stage pipeline through @workers/runtime, with the SDK (per message = 3 hops)", withSdk);

// The hooks alone: one inject + one around per message.
const hooks = await interleaved(
  [
    { name: "an awaited resolved promise (no hooks)", round: hookRound(undefined) },
    { name: "inject + around, no SDK", round: hookRound(otelObservability()) },
    {
      name: "inject + around, SDK, exporter discarding",
      round: hookRound(otelObservability(providers)),
    },
  ],
  N * 4,
  ROUNDS,
);
table("One hop through the hooks alone (a send span, a process span, their metrics)", hooks);

await sdk.shutdown();
disable();
console.log(`\nspans exported (and discarded): ${sdk.exporter.exported}`);
