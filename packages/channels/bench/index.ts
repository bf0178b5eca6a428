// `pnpm bench`: every workload on @workers/channels, its peers and two baselines, in one
// process; medians of interleaved rounds; then the memory cost of 1M buffered numbers.
import { performance } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { type Impl, impls, ours, type WorkloadId } from "./impls.js";
import { measureAllocations, measureMemory } from "./memory.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const TARGET_S = Number(process.env.BENCH_TARGET_MS ?? 50) / 1000;
const only = process.env.BENCH_ONLY?.split(",");
const pick = process.env.BENCH_IMPLS?.split(",");

const workloads: { id: WorkloadId; what: string }[] = [
  { id: "W1", what: "unbuffered ping, awaited put/take" },
  { id: "W2", what: "buffer 1024, awaited put/take" },
  { id: "W3", what: "4 producers -> buffer 64 -> 4 consumers" },
  { id: "W4d", what: "offer into dropping(1024), slow consumer" },
  { id: "W4s", what: "offer into sliding(1024), slow consumer" },
  { id: "W5", what: "buffer 1024, for await consumer" },
  { id: "W2s", what: "W2 with offer-then-put / poll-then-take" },
  { id: "W3s", what: "W3 with offer-then-put / poll-then-take" },
];

/**
 * CPU seconds (user + system) of one run. The machine is shared, so wall time mostly measures
 * the scheduler; every workload here runs on this one thread, so its CPU time is its cost.
 */
async function time(run: (n: number) => Promise<void>, n: number): Promise<number> {
  const c0 = process.cpuUsage();
  await run(n);
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
}

function shuffle<T>(xs: readonly T[]): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/** Lets pending timers and immediates of the previous run fire before the next one. */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function calibrate(run: (n: number) => Promise<void>): Promise<number> {
  let n = 1024;
  for (;;) {
    const t = await time(run, n);
    if (t > TARGET_S / 3 || n >= 1 << 24) {
      return Math.max(1024, Math.ceil((n * TARGET_S) / t / 16) * 16);
    }
    n *= 4;
  }
}

const fmt = (rate: number | undefined) =>
  rate === undefined
    ? "n/a"
    : rate >= 1e6
      ? `${(rate / 1e6).toFixed(2)}M`
      : `${(rate / 1e3).toFixed(0)}k`;
const pad = (s: string, w: number) => s.padStart(w);

async function main(): Promise<void> {
  const started = performance.now();
  console.log(
    `@workers/channels benchmark — Node ${process.version}, ${ROUNDS} interleaved rounds, median msgs per CPU-second\n`,
  );
  const results = new Map<WorkloadId, Map<string, number>>();
  const spreads: string[] = [];
  for (const { id } of workloads) {
    const entries = impls.filter(
      (impl) => impl.runs[id] !== undefined && (pick === undefined || pick.includes(impl.name)),
    );
    if (only !== undefined && !only.includes(id)) {
      results.set(id, new Map());
      continue;
    }
    const sizes = new Map<Impl, number>();
    for (const impl of entries) {
      // The first calibration runs cold code; the second measures it warm.
      await calibrate(impl.runs[id]!);
      const n = await calibrate(impl.runs[id]!);
      sizes.set(impl, n);
      await impl.runs[id]!(n);
    }
    const rates = new Map<Impl, number[]>(entries.map((impl) => [impl, []]));
    for (let r = 0; r < ROUNDS; r++) {
      // A fresh random order each round: a library's leftover work (timers, fibers, garbage)
      // lands in whichever run follows it, so no implementation may always follow the same one.
      const order = shuffle(entries);
      for (let k = 0; k < order.length; k++) {
        const impl = order[k]!;
        await settle();
        const n = sizes.get(impl)!;
        rates.get(impl)!.push(n / (await time(impl.runs[id]!, n)));
        if (process.env.BENCH_DEBUG) console.log(id, impl.name, n, rates.get(impl)!.at(-1));
        if (id === "W3s" && impl.spread !== undefined && r === ROUNDS - 1) {
          const s = impl.spread();
          const total = s.reduce((a, b) => a + b, 0);
          spreads.push(
            `  ${impl.name}: ${s.map((c) => `${((100 * c) / total).toFixed(1)}%`).join(" / ")}`,
          );
        }
      }
    }
    results.set(id, new Map(entries.map((impl) => [impl.name, median(rates.get(impl)!)])));
  }

  const names = impls.map((impl) => impl.name);
  const w = 10;
  const header = `${"".padEnd(5)}${impls.map((impl) => pad(impl.short, w)).join("")}${pad("vs ring", 9)}${pad("vs peer", 9)}  fastest peer`;
  console.log(header);
  const verdicts: string[] = [];
  for (const { id } of workloads) {
    if (only !== undefined && !only.includes(id)) continue;
    const row = results.get(id)!;
    const mine = row.get(ours.name)!;
    const base = row.get("ring baseline");
    let bestPeer: [string, number] | undefined;
    for (const impl of impls) {
      if (impl === ours || impl.baseline || impl.incorrect?.includes(id)) continue;
      const rate = row.get(impl.name);
      if (rate !== undefined && (bestPeer === undefined || rate > bestPeer[1]))
        bestPeer = [impl.name, rate];
    }
    const vsRing = base === undefined ? undefined : mine / base;
    const vsPeer = bestPeer === undefined ? undefined : mine / bestPeer[1];
    console.log(
      `${id.padEnd(5)}${names.map((n) => pad(fmt(row.get(n)), w)).join("")}` +
        `${pad(vsRing === undefined ? "" : `${vsRing.toFixed(2)}x`, 9)}` +
        `${pad(vsPeer === undefined ? "" : `${vsPeer.toFixed(2)}x`, 9)}  ${bestPeer?.[0] ?? ""}`,
    );
    const ringTarget = id.startsWith("W4") ? 0.5 : id === "W2s" || id === "W3s" ? undefined : 0.9;
    if (vsPeer !== undefined && vsPeer < 1)
      verdicts.push(`${id}: ${vsPeer.toFixed(2)}x the fastest peer (target 1.0x)`);
    if (ringTarget !== undefined && vsRing !== undefined && vsRing < ringTarget) {
      verdicts.push(`${id}: ${vsRing.toFixed(2)}x the ring baseline (target ${ringTarget}x)`);
    }
  }
  console.log("");
  const legend = impls.map((impl) => `${impl.short} = ${impl.name}`);
  console.log(`  ${legend.slice(0, 4).join(", ")},\n  ${legend.slice(4).join(", ")}`);
  console.log(
    "  vs ring = ours / ring baseline; vs peer = ours / the fastest correct peer (not a baseline)\n",
  );
  for (const { id, what } of workloads) console.log(`  ${id.padEnd(4)} ${what}`);
  console.log(
    "  (W4: the ring baseline's raw ring offer refuses when full (W4d) or overwrites the oldest (W4s),\n" +
      "   counting and reporting nothing;\n" +
      "   @workers/channels counts every drop and calls onDrop. @ayonli/jsext's W5 is excluded from\n" +
      "   'fastest peer': its for-await yields spurious undefineds.)",
  );
  console.log("\nW3s messages per consumer (poll drains whatever is buffered):");
  for (const s of spreads) console.log(s);

  console.log("\nMemory, 1M buffered numbers (heap bytes a message, over the values):");
  for (const line of await measureMemory(gc)) console.log(`  ${line}`);

  console.log("\nHeap bytes allocated a message (no GC during the run):");
  for (const line of await measureAllocations()) console.log(`  ${line}`);

  console.log(
    `\n${verdicts.length === 0 ? "All targets met." : `Below target:\n  ${verdicts.join("\n  ")}`}`,
  );
  console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

await main();
