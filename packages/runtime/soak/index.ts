// `pnpm soak`: the long forms of the reliability checks, minutes not hours.
//   node --expose-gc --conditions=@workers/source --import tsx packages/runtime/soak/index.ts
//     [--messages 5000000] [--cycles 10000]
// 1. millions of messages through the 3-stage pipeline at saturation (pipeline.ts): every
//    message accounted for, heap after GC before/after, event-loop delay percentiles;
// 2. start/stop cycles (cycles.ts): every system collectable, heap growth after GC.
// Prints a table and a JSON line; exits non-zero when a bound is broken.
import { cycle } from "./cycles.js";
import { runSoak } from "./pipeline.js";

/** Heap growth allowed after GC, over the whole pipeline run and over all cycles. */
const HEAP_BOUND_MB = 8;
/** Event-loop delay p99 allowed while the pipeline runs at saturation. */
const LOOP_P99_BOUND_MS = 50;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const raw = i < 0 ? undefined : process.argv[i + 1];
  const value = raw === undefined ? fallback : Number(raw.replaceAll("_", ""));
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`--${name}: expected an integer, got ${raw}`);
  return value;
}

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) {
  console.error("run with node --expose-gc (pnpm soak does)");
  process.exit(2);
}

const messages = arg("messages", 5_000_000);
const cycles = arg("cycles", 10_000);
const failures: string[] = [];

console.log(
  `soak: ${messages.toLocaleString("en")} messages, ${cycles.toLocaleString("en")} start/stop cycles, node ${process.version}`,
);
const load = await runSoak({ messages, gc });
const heapGrowth = (load.heapAfterMb ?? 0) - (load.heapBeforeMb ?? 0);
if (load.lost !== 0) failures.push(`${load.lost} messages lost`);
if (load.duplicated !== 0) failures.push(`${load.duplicated} messages ended twice`);
if (!load.statsAgree) failures.push("stats().drops disagrees with the drop events");
if (heapGrowth > HEAP_BOUND_MB)
  failures.push(`pipeline heap grew ${heapGrowth.toFixed(2)} MB (bound ${HEAP_BOUND_MB})`);
if (load.loopDelayP99Ms > LOOP_P99_BOUND_MS)
  failures.push(`loop delay p99 ${load.loopDelayP99Ms} ms (bound ${LOOP_P99_BOUND_MS})`);

// Start/stop cycles.
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
if (cyclesGrowthMb > HEAP_BOUND_MB)
  failures.push(`cycles heap grew ${cyclesGrowthMb.toFixed(2)} MB (bound ${HEAP_BOUND_MB})`);

const dropped = Object.entries(load.dropped)
  .map(([reason, count]) => `${reason} ${count.toLocaleString("en")}`)
  .join(", ");
const rows: [string, string][] = [
  ["messages pushed", load.messages.toLocaleString("en")],
  ["delivered to the sink", load.delivered.toLocaleString("en")],
  ["failed (stage 2 faults, error events)", load.failed.toLocaleString("en")],
  ["dropped with an event", dropped],
  ["error events evicted from the fail channel", load.errorEventsEvicted.toLocaleString("en")],
  ["lost / ended twice", `${load.lost} / ${load.duplicated}`],
  [
    "duration, throughput",
    `${(load.durationMs / 1000).toFixed(1)} s, ${load.messagesPerSecond.toLocaleString("en")} msg/s`,
  ],
  [
    "heap after GC, before -> after (bound +8 MB)",
    `${load.heapBeforeMb} MB -> ${load.heapAfterMb} MB`,
  ],
  ["heap peak while running", `${load.heapPeakMb} MB`],
  [
    "event-loop delay p50 / p99 / max",
    `${load.loopDelayP50Ms} / ${load.loopDelayP99Ms} / ${load.loopDelayMaxMs} ms`,
  ],
  ["start/stop cycles", `${cycles.toLocaleString("en")} in ${(cyclesMs / 1000).toFixed(1)} s`],
  [
    "cycles: heap growth after GC, systems reachable",
    `${cyclesGrowthMb.toFixed(2)} MB, ${reachable} of ${refs.length} sampled`,
  ],
];
const width = Math.max(...rows.map(([k]) => k.length));
for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
console.log(
  JSON.stringify({
    load,
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
