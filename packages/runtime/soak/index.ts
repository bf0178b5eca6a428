// `pnpm soak`: the long forms of the reliability checks, minutes not hours.
//   node --expose-gc --conditions=@workers/source --import tsx packages/runtime/soak/index.ts
//     [--messages 20000000] [--thread-messages 2000000] [--cycles 10000] [--fuzz-runs 50000]
// 1. millions of messages through the 3-stage pipeline at saturation (pipeline.ts), stage 2 on
//    the event loop: every message accounted for, heap after GC before/after, event-loop delay;
// 2. the same pipeline with stage 2 on the thread pool;
//    and both again, stopped without drain halfway while the producers keep pushing;
// 3. start/stop cycles (cycles.ts): every system collectable, heap growth after GC;
// 4. the bad-input fuzz (fuzz.ts) with many more runs than the test run.
// Prints a table and a JSON line; exits non-zero when a bound is broken.
import { cycle } from "./cycles.js";
import { fuzzDefinitions, fuzzGoPayloads, fuzzThreadPayloads } from "./fuzz.js";
import { runSoak, type SoakResult } from "./pipeline.js";

/** Heap growth allowed after GC, over a whole pipeline run and over all cycles. */
const HEAP_BOUND_MB = 8;
/** Event-loop delay p99 allowed while a pipeline runs at saturation (includes the 10 ms sampling interval). */
const LOOP_P99_BOUND_MS = 100;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const raw = i < 0 ? undefined : process.argv[i + 1];
  const value = raw === undefined ? fallback : Number(raw.replaceAll("_", ""));
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`--${name}: expected an integer, got ${raw}`);
  }
  return value;
}

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) {
  console.error("run with node --expose-gc (pnpm soak does)");
  process.exit(2);
}

const messages = arg("messages", 20_000_000);
const threadMessages = arg("thread-messages", 2_000_000);
const cycles = arg("cycles", 10_000);
const fuzzRuns = arg("fuzz-runs", 50_000);
const failures: string[] = [];
const n = (x: number): string => x.toLocaleString("en");

console.log(
  `soak: ${n(messages)} + ${n(threadMessages)} (thread stage) messages, ${n(cycles)} start/stop cycles, node ${process.version}`,
);

function check(name: string, r: SoakResult): void {
  const heapGrowth = (r.heapAfterMb ?? 0) - (r.heapBeforeMb ?? 0);
  if (r.lost !== 0) failures.push(`${name}: ${r.lost} messages lost`);
  if (r.duplicated !== 0) failures.push(`${name}: ${r.duplicated} messages ended twice`);
  if (!r.statsAgree) failures.push(`${name}: stats().drops disagrees with the drop events`);
  if (heapGrowth > HEAP_BOUND_MB) {
    failures.push(`${name}: heap grew ${heapGrowth.toFixed(2)} MB (bound ${HEAP_BOUND_MB})`);
  }
  if (r.loopDelayP99Ms > LOOP_P99_BOUND_MS) {
    failures.push(`${name}: loop delay p99 ${r.loopDelayP99Ms} ms (bound ${LOOP_P99_BOUND_MS})`);
  }
}

// Warm-up (module loading, JIT, thread start), then the measured runs.
await runSoak({ messages: 20_000, gc });
const load = await runSoak({ messages, gc });
check("go pipeline", load);
await runSoak({ messages: 20_000, gc, stage2: "thread" });
const threaded = await runSoak({ messages: threadMessages, gc, stage2: "thread" });
check("thread pipeline", threaded);
const stoppedGo = await runSoak({ messages: 2_000_000, gc, stopAfter: 1_000_000 });
check("go pipeline stopped under load", stoppedGo);
const stoppedThread = await runSoak({
  messages: 400_000,
  gc,
  stage2: "thread",
  stopAfter: 200_000,
});
check("thread pipeline stopped under load", stoppedThread);

// Start/stop cycles: every tenth with the dev guard; every hundredth system watched by a WeakRef.
for (let i = 0; i < 100; i++) await cycle(i);
gc();
const cyclesHeapBefore = process.memoryUsage().heapUsed;
const cyclesBegan = performance.now();
const refs: WeakRef<object>[] = [];
for (let i = 0; i < cycles; i++) {
  const system = await cycle(i, { devGuard: i % 10 === 0 });
  if (i % 100 === 0) refs.push(new WeakRef(system));
}
const cyclesMs = performance.now() - cyclesBegan;
await new Promise((resolve) => setImmediate(resolve));
gc();
const cyclesGrowthMb = (process.memoryUsage().heapUsed - cyclesHeapBefore) / 1024 / 1024;
const reachable = refs.filter((r) => r.deref() !== undefined).length;
if (reachable !== 0) failures.push(`${reachable} stopped systems still reachable`);
if (cyclesGrowthMb > HEAP_BOUND_MB) {
  failures.push(`cycles heap grew ${cyclesGrowthMb.toFixed(2)} MB (bound ${HEAP_BOUND_MB})`);
}

// The bad-input fuzz, long form: go payloads, thread payloads (several per run), definitions.
const fuzzBegan = performance.now();
let fuzz = { goPayloads: 0, threadPayloads: 0, definitions: 0 };
try {
  fuzz = {
    goPayloads: await fuzzGoPayloads({ runs: fuzzRuns }),
    threadPayloads: await fuzzThreadPayloads({ runs: Math.ceil(fuzzRuns / 10) }),
    definitions: await fuzzDefinitions({ runs: Math.ceil(fuzzRuns / 4), baseUrl: import.meta.url }),
  };
} catch (error) {
  failures.push(`fuzz: ${error instanceof Error ? error.message : String(error)}`);
}
const fuzzMs = performance.now() - fuzzBegan;

function rows(title: string, r: SoakResult): [string, string][] {
  const dropped = Object.entries(r.dropped)
    .map(([reason, count]) => `${reason} ${n(count)}`)
    .join(", ");
  return [
    [title, ""],
    ["  messages (ids followed)", n(r.messages)],
    ["  delivered to the sink", n(r.delivered)],
    ["  failed (stage 2 faults, error events)", n(r.failed)],
    ["  of which in a thread that died (process.exit)", n(r.crashed)],
    ["  dropped with an event", dropped],
    ["  error events evicted from the fail channel", n(r.errorEventsEvicted)],
    ...(r.refused + r.notSent > 0
      ? ([
          [
            "  stopped (drain: false): calls refused, ids never sent",
            `${n(r.refused)}, ${n(r.notSent)}`,
          ],
        ] as [string, string][])
      : []),
    ["  lost / ended twice", `${r.lost} / ${r.duplicated}`],
    [
      "  duration, throughput",
      `${(r.durationMs / 1000).toFixed(1)} s, ${n(r.messagesPerSecond)} msg/s`,
    ],
    [
      `  heap after GC, before -> after (bound +${HEAP_BOUND_MB} MB)`,
      `${r.heapBeforeMb} MB -> ${r.heapAfterMb} MB`,
    ],
    ["  heap peak while running", `${r.heapPeakMb} MB`],
    [
      `  event-loop delay p50 / p99 / max (p99 bound ${LOOP_P99_BOUND_MS} ms)`,
      `${r.loopDelayP50Ms} / ${r.loopDelayP99Ms} / ${r.loopDelayMaxMs} ms`,
    ],
  ];
}
const table: [string, string][] = [
  ...rows("go pipeline (s1 go -> s2 go -> s3 go)", load),
  ...rows("thread pipeline (s1 go -> s2 thread -> s3 go)", threaded),
  ...rows("go pipeline, stop({ drain: false }) after 1,000,000 accepted", stoppedGo),
  ...rows("thread pipeline, stop({ drain: false }) after 200,000 accepted", stoppedThread),
  ["start/stop cycles", ""],
  [
    "  cycles (every tenth with the dev guard)",
    `${n(cycles)} in ${(cyclesMs / 1000).toFixed(1)} s`,
  ],
  [`  heap growth after GC (bound ${HEAP_BOUND_MB} MB)`, `${cyclesGrowthMb.toFixed(2)} MB`],
  ["  stopped systems still reachable", `${reachable} of ${refs.length} sampled`],
  ["bad-input fuzz (each: a value or a coded error, settled)", ""],
  ["  go payloads (command or request)", n(fuzz.goPayloads)],
  ["  thread payloads (several per run, sharing pool tasks)", n(fuzz.threadPayloads)],
  ["  definitions (raw and hand-made normalized)", n(fuzz.definitions)],
  ["  duration", `${(fuzzMs / 1000).toFixed(1)} s`],
];
const width = Math.max(...table.map(([k]) => k.length));
for (const [k, v] of table) console.log(`${k.padEnd(width)}  ${v}`);
console.log(
  JSON.stringify({
    node: process.version,
    go: load,
    thread: threaded,
    stoppedGo,
    stoppedThread,
    fuzz,
    cycles: {
      count: cycles,
      ms: Math.round(cyclesMs),
      heapGrowthMb: Math.round(cyclesGrowthMb * 100) / 100,
      reachable,
    },
  }),
);
if (failures.length > 0) {
  console.error(`soak FAILED: ${failures.join("; ")}`);
  process.exit(1);
}
console.log("soak passed: every message accounted for, bounds held");
