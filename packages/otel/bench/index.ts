// Overhead of @workers/otel, in one process: the runtime without the component, with it and no
// SDK (the no-op API), and with a real SDK (BatchSpanProcessor, an exporter that discards,
// metrics aggregating in memory); and the floor, the same telemetry of a hop written straight
// against the API (bench/floor.ts), with and without the SDK. Each phase runs its scenarios in
// turns, so that figures derived from several of them (the summary) are taken round by round
// from measurements made side by side. Run: pnpm --filter @workers/otel bench
import { metrics, propagation, trace } from "@opentelemetry/api";
import { floorHooks, floorRound } from "./floor.js";
import { hookRound, otelObservability } from "./hooks.js";
import { type Pipeline, startPipeline } from "./pipeline.js";
import { startSdk } from "./sdk.js";
import { fmt, interleaved, perRound, type Result, type Scenario } from "./stats.js";

const N = Number(process.env.BENCH_MESSAGES ?? 5_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
/** Hops a round in the hooks-alone scenarios (a hop is much shorter than a pipeline message). */
const HOPS = N * 4;

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

/** Starts one 3-stage pipeline a component; `run` measures them side by side with `hooks`. */
async function phase(
  pipelines: readonly [string, object | undefined][],
  hooks: readonly Scenario[],
): Promise<{ pipelines: Result[]; hooks: Result[] }> {
  const started: Pipeline[] = [];
  try {
    for (const [, obs] of pipelines) started.push(await startPipeline(obs));
    const results = await interleaved(
      [
        ...pipelines.map(([name], i) => ({ name, round: (n: number) => started[i]!.round(n) })),
        ...hooks.map((h) => ({ ...h, n: HOPS })),
      ],
      N,
      ROUNDS,
    );
    return {
      pipelines: results.slice(0, pipelines.length),
      hooks: results.slice(pipelines.length),
    };
  } finally {
    for (const p of started) await p.stop();
  }
}

console.log(
  `node ${process.version}, ${N} messages (${HOPS} hops) a round, median of ${ROUNDS} rounds`,
);

// The floor goes through the global API, as an application would.
const floorApi = () => ({
  tracer: trace.getTracer("floor"),
  meter: metrics.getMeter("floor"),
  propagator: propagation,
});

// Nothing registered: no tracer or meter provider, no propagator, no context manager.
// The runtime: a 3-stage go pipeline (per message: 4 puts, the last onto the output channel,
// and 3 processings). Hooks that do nothing: what the runtime itself spends on instrumentation
// (envelope headers, channel facades, the `around` path), apart from what this package does.
const passThrough = {
  emit(): void {},
  inject(): void {},
  around: <T>(_info: unknown, _headers: unknown, run: () => Promise<T>): Promise<T> => run(),
};
// One hop through the hooks alone: one inject and one around a message.
const noSdk = await phase(
  [
    ["runtime without the component", undefined],
    ["runtime with empty inject/around hooks", passThrough],
    ["+ otelObservability(), no SDK registered", otelObservability()],
  ],
  [
    { name: "an awaited resolved promise (no telemetry)", round: hookRound(undefined) },
    { name: "floor: the same telemetry straight on the API", round: floorRound(floorApi()) },
    { name: "inject + around", round: hookRound(otelObservability()) },
  ],
);

// The SDK registered globally, as `NodeSDK.start()` does (context manager included).
const sdk = startSdk();
const withSdk = await phase(
  [
    ["runtime without the component, SDK registered (context manager on)", undefined],
    ["runtime with empty inject/around hooks", passThrough],
    ["+ the floor's calls as bare inject/around hooks", floorHooks(floorApi())],
    ["+ otelObservability(), exporter discarding", otelObservability()],
  ],
  [
    { name: "an awaited resolved promise, context manager on", round: hookRound(undefined) },
    { name: "floor: the same telemetry straight on the API", round: floorRound(floorApi()) },
    { name: "inject + around", round: hookRound(otelObservability()) },
    {
      name: "floor without the two counter calls (the component's observable counters)",
      round: floorRound(floorApi(), { counters: false }),
    },
  ],
);
await sdk.shutdown();

table(
  "3-stage pipeline through @workers/runtime, no SDK (per message = 3 stages)",
  noSdk.pipelines,
);
table(
  "3-stage pipeline through @workers/runtime, with the SDK (per message = 3 stages)",
  withSdk.pipelines,
);
table("One hop (a send span, a process span, their metrics), nothing registered", noSdk.hooks);
table("One hop, with the SDK", withSdk.hooks);

// Against the floor, round by round: a hop's extra cost, and the pipeline's overhead (beyond
// the runtime without the component) in floors (the floor beyond an awaited promise).
const beyondFloor = (hooks: Result[]): number => perRound(hooks, ([, floor, hop]) => hop! - floor!);
const inFloors = (pipeline: Result, floor = withSdk.hooks[1]!): number =>
  perRound(
    [withSdk.pipelines[0]!, pipeline, withSdk.hooks[0]!, floor],
    ([base, piped, promise, floor]) => (piped! - base!) / (3 * (floor! - promise!)),
  );
console.log("\nAgainst the floor (medians of the round-by-round figures)\n");
console.log("| figure | value |");
console.log("| --- | ---: |");
console.log(`| a hop, no SDK: component − floor | ${fmt(beyondFloor(noSdk.hooks))} |`);
console.log(`| a hop, SDK: component − floor | ${fmt(beyondFloor(withSdk.hooks))} |`);
console.log(
  `| the floor with the SDK, beyond an awaited promise | ${fmt(perRound(withSdk.hooks, ([p, f]) => f! - p!))} |`,
);
const [, emptyPipe, floorPipe, componentPipe] = withSdk.pipelines as [
  Result,
  Result,
  Result,
  Result,
];
const strictFloor = withSdk.hooks[3]!;
console.log(
  `| 3-stage pipeline with the SDK, component: overhead ÷ three floors | ${inFloors(componentPipe).toFixed(2)}x |`,
);
console.log(
  `| the same, ÷ three floors without counter calls | ${inFloors(componentPipe, strictFloor).toFixed(2)}x |`,
);
console.log(
  `| 3-stage pipeline with the SDK, floor's calls as hooks: overhead ÷ three floors | ${inFloors(floorPipe).toFixed(2)}x |`,
);
console.log(
  `| 3-stage pipeline with the SDK, empty hooks (the runtime's plumbing): overhead ÷ three floors without counter calls | ${inFloors(emptyPipe, strictFloor).toFixed(2)}x |`,
);
console.log(`\nspans exported (and discarded): ${sdk.exporter.exported}`);
