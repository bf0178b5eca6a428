// Overhead of @workers/otel, in one process: the runtime without the component, with it and no
// SDK (the no-op API), and with a real SDK (BatchSpanProcessor, an exporter that discards,
// metrics aggregating in memory); and the floor, the same telemetry of a hop written straight
// against the API (bench/floor.ts), with and without the SDK.
// Run: pnpm --filter @workers/otel bench
import { metrics, propagation, trace } from "@opentelemetry/api";
import { floorHooks, floorRound } from "./floor.js";
import { hookRound, otelObservability } from "./hooks.js";
import { type Pipeline, startPipeline } from "./pipeline.js";
import { startSdk } from "./sdk.js";
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

// Nothing registered: no tracer or meter provider, no propagator, no context manager.
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
// One hop through the hooks alone (one inject + one around a message), beside the floor, which
// goes through the global API as an application would.
const floorApi = () => ({
  tracer: trace.getTracer("floor"),
  meter: metrics.getMeter("floor"),
  propagator: propagation,
});
const hooksNoSdk = await interleaved(
  [
    { name: "an awaited resolved promise (no telemetry)", round: hookRound(undefined) },
    {
      name: "floor: the same telemetry straight on the API, no SDK",
      round: floorRound(floorApi()),
    },
    { name: "inject + around, no SDK", round: hookRound(otelObservability()) },
  ],
  N * 4,
  ROUNDS,
);

// The SDK registered globally, as `NodeSDK.start()` does (context manager included).
const sdk = startSdk();
const withSdk = await pipelines([
  ["runtime without the component, SDK registered (context manager on)", undefined],
  ["+ the floor's calls as bare inject/around hooks", floorHooks(floorApi())],
  ["+ otelObservability() with the SDK, exporter discarding", otelObservability()],
]);
const hooksSdk = await interleaved(
  [
    { name: "an awaited resolved promise, context manager on", round: hookRound(undefined) },
    { name: "floor: the same telemetry straight on the API, SDK", round: floorRound(floorApi()) },
    { name: "inject + around, SDK, exporter discarding", round: hookRound(otelObservability()) },
  ],
  N * 4,
  ROUNDS,
);

table("3-stage pipeline through @workers/runtime, no SDK (per message = 3 hops)", noSdk);
table("3-stage pipeline through @workers/runtime, with the SDK (per message = 3 hops)", withSdk);
table("One hop (a send span, a process span, their metrics), nothing registered", hooksNoSdk);
table("One hop, with the SDK and a context manager", hooksSdk);

// Against the floor: per hop, and the pipeline's overhead per message (3 hops) in floors.
const [, floorNoSdk, hookNoSdk] = hooksNoSdk as [Result, Result, Result];
const [promiseSdk, floorSdk, hookSdk] = hooksSdk as [Result, Result, Result];
const [base, floorPipe, componentPipe] = withSdk as [Result, Result, Result];
const floorSdkNet = floorSdk.ns - promiseSdk.ns;
const floors = (r: Result): string => `${((r.ns - base.ns) / (3 * floorSdkNet)).toFixed(2)}x`;
console.log("\nAgainst the floor\n");
console.log("| figure | value |");
console.log("| --- | ---: |");
console.log(
  `| a hop, no SDK: component (inject + around) − floor | ${hookNoSdk.ns >= floorNoSdk.ns ? "" : "-"}${fmt(Math.abs(hookNoSdk.ns - floorNoSdk.ns))} |`,
);
console.log(
  `| a hop, SDK: component (inject + around) − floor | ${hookSdk.ns >= floorSdk.ns ? "" : "-"}${fmt(Math.abs(hookSdk.ns - floorSdk.ns))} |`,
);
console.log(`| the floor with the SDK, beyond an awaited promise | ${fmt(floorSdkNet)} |`);
console.log(
  `| 3-stage pipeline with the SDK, component: overhead ÷ three floors | ${floors(componentPipe)} |`,
);
console.log(
  `| 3-stage pipeline with the SDK, floor's calls as hooks: overhead ÷ three floors | ${floors(floorPipe)} |`,
);

await sdk.shutdown();
console.log(`\nspans exported (and discarded): ${sdk.exporter.exported}`);
