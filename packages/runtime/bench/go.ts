// Go dispatch throughput: N trivial commands through one worker (command -> process -> output)
// and through a 3-stage pipeline (the producer awaiting each command, as a caller awaiting
// backpressure does; and, in the "not awaiting" rows, firing commands and yielding a macrotask
// every 1024 so the loops drain their buffers in bursts), beside the same workload on hand-written @workers/channels
// loops in the same process, fastq (callback and promise APIs) and p-queue; and request
// latency beside a raw channel round trip. Contenders run interleaved in rounds (A B C A B C
// ...), so a busy machine slows them alike; the best round is reported.

import FakeTimers from "@sinonjs/fake-timers";
import { type Channel, chan } from "@workers/channels";
import fastq from "fastq";
import PQueue from "p-queue";
import { startWorkers, type WorkersSystem } from "../src/index.js";

const N = Number(process.env.BENCH_N ?? 1_000_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const BUFFER = 1024;

const realSetImmediate = globalThis.setImmediate;

// ---- raw channel loops (the baseline) ----

/**
 * The runtime's loop shape by hand: drain with poll(), await take() only when empty, yield a
 * macrotask every 1024 messages (which also lets an awaiting producer fill the buffer).
 */
async function rawLoop(
  input: Channel<number>,
  fn: (n: number) => number,
  out: Channel<number> | undefined,
  drops: { n: number },
): Promise<void> {
  let burst = 0;
  for (;;) {
    let v = input.poll();
    if (v === undefined) {
      v = await input.take();
      if (v === undefined) return;
    }
    const r = fn(v);
    if (out !== undefined && !out.offer(r)) drops.n++;
    if (++burst >= 1024) {
      burst = 0;
      await new Promise((resolve) => realSetImmediate(resolve));
    }
  }
}

/** `concurrency` loops sharing one input channel, each awaiting an async function. */
async function rawAsyncLoops(concurrency: number): Promise<{ ms: number; note: string }> {
  const input = chan<number>(BUFFER);
  const out = chan<number>(BUFFER);
  const fn = async (n: number) => n + 1;
  let drops = 0;
  const loops = Array.from({ length: concurrency }, async () => {
    for (;;) {
      let v = input.poll();
      if (v === undefined) {
        v = await input.take();
        if (v === undefined) return;
      }
      if (!out.offer(await fn(v))) drops++;
    }
  });
  const sink = sinkLoop(out);
  const t0 = performance.now();
  for (let i = 0; i < N; i++) await input.put(i);
  input.close();
  await Promise.all(loops);
  out.close();
  const received = await sink;
  return { ms: performance.now() - t0, note: `${received} out, ${drops} dropped` };
}

async function sinkLoop(ch: Channel<unknown>): Promise<number> {
  let count = 0;
  for (;;) {
    let v = ch.poll();
    if (v === undefined) {
      v = await ch.take();
      if (v === undefined) return count;
    }
    count++;
  }
}

const inc = (n: number): number => n + 1;

/**
 * The function of every runtime row, as `inc` is of every raw row: V8 optimizes a call site for
 * the functions it has seen there, so rows that each brought their own would make the loop
 * they share (the runtime's, or `rawLoop`) call a polymorphic site on one side only. (A
 * process with many different worker functions pays for that on both sides alike.)
 */
const increment = (_c: unknown, n: number): number => n + 1;
const incrementAsync = async (_c: unknown, n: number): Promise<number> => n + 1;

/** Lets the loops run: the producer of the "burst" rows yields a macrotask every BUFFER puts. */
function macrotask(): Promise<void> {
  return new Promise((resolve) => realSetImmediate(resolve));
}

async function rawPipeline(stages: number, burst = false): Promise<{ ms: number; note: string }> {
  const chans = Array.from({ length: stages + 1 }, () => chan<number>(BUFFER));
  const drops = { n: 0 };
  const loops = Array.from({ length: stages }, (_, i) =>
    rawLoop(chans[i]!, inc, chans[i + 1], drops),
  );
  const sink = sinkLoop(chans[stages]!);
  const t0 = performance.now();
  const first = chans[0]!;
  if (burst) {
    for (let i = 0; i < N; i++) {
      first.putAsync(i);
      if (i % BUFFER === BUFFER - 1) await macrotask();
    }
  } else {
    for (let i = 0; i < N; i++) await first.put(i);
  }
  // Close stage by stage once each has drained (as the runtime's stop does).
  for (let i = 0; i < stages; i++) {
    chans[i]!.close();
    await loops[i];
  }
  chans[stages]!.close();
  const received = await sink;
  return { ms: performance.now() - t0, note: `${received} out, ${drops.n} dropped` };
}

async function runtimePipeline(
  stages: number,
  concurrency: number,
  async: boolean,
  burst = false,
  policies: Record<string, unknown> = {},
): Promise<{ ms: number; note: string }> {
  const putMode = burst ? "async" : "block";
  const channels: Record<string, { buffer: number; putMode: "block" | "async" }> = {};
  const workers: Record<string, unknown> = {};
  for (let i = 0; i <= stages; i++) channels[`c${i}`] = { buffer: BUFFER, putMode };
  for (let i = 0; i < stages; i++) {
    workers[`w${i}`] = {
      kind: "command",
      in: `c${i}`,
      outputChan: `c${i + 1}`,
      expose: i === 0,
      concurrency,
      ...policies,
      workerFn: async ? incrementAsync : increment,
    };
  }
  const system: WorkersSystem<any> = await startWorkers({ channels, workers } as never);
  const sink = sinkLoop(system.channels[`c${stages}`]!);
  const t0 = performance.now();
  if (burst) {
    for (let i = 0; i < N; i++) {
      void system.command("w0", i);
      if (i % BUFFER === BUFFER - 1) await macrotask();
    }
  } else {
    for (let i = 0; i < N; i++) await system.command("w0", i);
  }
  await system.stop();
  const received = await sink;
  const ms = performance.now() - t0;
  const drops = Object.values(system.stats().drops).reduce((a, b) => a + b, 0);
  return { ms, note: `${received} out, ${drops} dropped` };
}

// ---- other queues, concurrency 4 (and p-queue 1) ----

async function bareLoops(concurrency: number): Promise<{ ms: number; note: string }> {
  const fn = async (n: number) => n + 1;
  let next = 0;
  let done = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < N) {
        await fn(next++);
        done++;
      }
    }),
  );
  return { ms: performance.now() - t0, note: `${done} done` };
}

function fastqCallback(concurrency: number): Promise<{ ms: number; note: string }> {
  return new Promise((resolve) => {
    let done = 0;
    const t0 = performance.now();
    const q = fastq(
      (n: number, cb: (err: Error | null, r: number) => void) => cb(null, n + 1),
      concurrency,
    );
    const finished = (): void => {
      if (++done === N) resolve({ ms: performance.now() - t0, note: `${done} done` });
    };
    for (let i = 0; i < N; i++) q.push(i, finished);
  });
}

async function fastqPromise(concurrency: number): Promise<{ ms: number; note: string }> {
  const q = fastq.promise(async (n: number) => n + 1, concurrency);
  const t0 = performance.now();
  const all: Promise<number>[] = new Array(N);
  for (let i = 0; i < N; i++) all[i] = q.push(i);
  await Promise.all(all);
  return { ms: performance.now() - t0, note: `${all.length} done` };
}

async function pQueue(concurrency: number): Promise<{ ms: number; note: string }> {
  const q = new PQueue({ concurrency });
  const t0 = performance.now();
  for (let i = 0; i < N; i++) void q.add(async () => i + 1);
  await q.onIdle();
  return { ms: performance.now() - t0, note: `${N} done` };
}

// ---- rate limit ----

/**
 * A rate-limited worker (1000 runs a second) fed faster than that: how close its achieved rate
 * stays to the configured one. On real time (2 s, where a busy machine fires timers late) and
 * on virtual time (10 s on @sinonjs/fake-timers' clock: the limiter's own precision).
 */
async function rateLimited(virtual: boolean): Promise<{ ms: number; note: string }> {
  const perSecond = 1000;
  const runFor = virtual ? 10_000 : 2000;
  const clock = virtual
    ? FakeTimers.install({ toFake: ["setTimeout", "clearTimeout", "Date", "performance"] })
    : undefined;
  try {
    const system: WorkersSystem<any> = await startWorkers(
      {
        channels: { in: { buffer: 16_384 } },
        workers: {
          w: {
            kind: "command",
            in: "in",
            expose: true,
            concurrency: 8,
            rateLimit: { max: perSecond / 10, intervalMs: 100 },
            workerFn: increment,
          },
        },
      } as never,
      { obs: () => {} },
    );
    const t0 = performance.now();
    for (let i = 0; i < (runFor / 1000) * perSecond + 500; i++) void system.command("w", i);
    if (clock !== undefined) {
      // A millisecond at a time, with a macrotask between: the worker loop yields on a real
      // setImmediate every 1024 messages, which the fake clock knows nothing of.
      for (let t = 0; t < runFor; t++) {
        await clock.tickAsync(1);
        await macrotask();
      }
    } else while (performance.now() - t0 < runFor) await new Promise((r) => setTimeout(r, 20));
    const ms = performance.now() - t0;
    const done = system.stats().workers.w!.processed;
    const stopped = system.stop({ drain: false });
    if (clock !== undefined) await clock.runAllAsync();
    await stopped;
    // The first window's runs start at once: the limit allows max * (ms / intervalMs + 1).
    const allowed = (perSecond / 10) * (Math.floor(ms / 100) + 1);
    const off = ((done - allowed) / allowed) * 100;
    return {
      ms,
      note: `${done} runs in ${Math.round(ms)} ms${virtual ? " (virtual)" : ""}, limit allows ${allowed} (${off.toFixed(2)}%)`,
    };
  } finally {
    clock?.uninstall();
  }
}

// ---- request latency ----

function percentile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function rawRoundTrip(): Promise<{ ms: number; note: string }> {
  const ch = chan<{ n: number; resolve: (v: number) => void }>(BUFFER);
  const loop = (async () => {
    for (;;) {
      let job = ch.poll();
      if (job === undefined) {
        job = await ch.take();
        if (job === undefined) return;
      }
      job.resolve(job.n + 1);
    }
  })();
  const times = new Float64Array(REQUESTS);
  const t0 = performance.now();
  for (let i = 0; i < REQUESTS; i++) {
    const s = performance.now();
    await new Promise<number>((resolve) => {
      void ch.put({ n: i, resolve });
    });
    times[i] = performance.now() - s;
  }
  const ms = performance.now() - t0;
  ch.close();
  await loop;
  times.sort();
  return { ms, note: latencyNote(times) };
}

async function runtimeRequests(): Promise<{ ms: number; note: string }> {
  const system = await startWorkers({
    channels: { in: { buffer: BUFFER } },
    workers: {
      w: { kind: "command", in: "in", expose: true, workerFn: increment },
    },
  });
  const times = new Float64Array(REQUESTS);
  const t0 = performance.now();
  for (let i = 0; i < REQUESTS; i++) {
    const s = performance.now();
    await system.request("w", i);
    times[i] = performance.now() - s;
  }
  const ms = performance.now() - t0;
  await system.stop();
  times.sort();
  return { ms, note: latencyNote(times) };
}

function latencyNote(sorted: Float64Array): string {
  const us = (ms: number) => `${(ms * 1000).toFixed(1)} us`;
  return `p50 ${us(percentile(sorted, 0.5))}, p99 ${us(percentile(sorted, 0.99))}`;
}

// ---- driver ----

interface Contender {
  group: string;
  name: string;
  count: number;
  run(): Promise<{ ms: number; note: string }>;
  /** Only once: too slow or memory-hungry to repeat. */
  once?: boolean;
  /** Leaves a large heap behind (a promise per queued job): runs after every other row. */
  heavy?: boolean;
}

const ALL: Contender[] = [
  { group: "1 worker", name: "raw channel loop", count: N, run: () => rawPipeline(1) },
  {
    group: "1 worker",
    name: "runtime go, concurrency 1",
    count: N,
    run: () => runtimePipeline(1, 1, false),
  },
  {
    group: "1 worker",
    name: "runtime go, retry (never triggered)",
    count: N,
    run: () => runtimePipeline(1, 1, false, false, { retry: { attempts: 3, backoffMs: 100 } }),
  },
  {
    group: "1 worker",
    name: "runtime go, retry + timeoutMs (never triggered)",
    count: N,
    run: () =>
      runtimePipeline(1, 1, false, false, {
        retry: { attempts: 3, backoffMs: 100 },
        timeoutMs: 1000,
      }),
  },
  {
    group: "1 worker, async fn",
    name: "raw: 4 channel loops awaiting it",
    count: N,
    run: () => rawAsyncLoops(4),
  },
  {
    group: "1 worker, async fn",
    name: "runtime go, concurrency 4",
    count: N,
    run: () => runtimePipeline(1, 4, true),
  },
  {
    group: "1 worker, producer not awaiting",
    name: "raw channel loop (putAsync)",
    count: N,
    run: () => rawPipeline(1, true),
  },
  {
    group: "1 worker, producer not awaiting",
    name: "runtime go, async put mode",
    count: N,
    run: () => runtimePipeline(1, 1, false, true),
  },
  { group: "3 stages", name: "raw channel loops", count: N, run: () => rawPipeline(3) },
  {
    group: "3 stages",
    name: "runtime go, concurrency 1",
    count: N,
    run: () => runtimePipeline(3, 1, false),
  },
  { group: "concurrency 4", name: "4 bare async loops", count: N, run: () => bareLoops(4) },
  { group: "concurrency 4", name: "fastq (callback)", count: N, run: () => fastqCallback(4) },
  {
    group: "concurrency 4",
    name: "fastq.promise",
    count: N,
    run: () => fastqPromise(4),
    once: true,
    heavy: true,
  },
  {
    group: "concurrency 4",
    name: "p-queue",
    count: N,
    run: () => pQueue(4),
    once: true,
    heavy: true,
  },
  {
    group: "concurrency 1",
    name: "p-queue",
    count: N,
    run: () => pQueue(1),
    once: true,
    heavy: true,
  },
  {
    group: "rate limit, virtual time",
    name: "runtime go, rateLimit 100 per 100 ms, 10 s of virtual time",
    count: 10_000,
    run: () => rateLimited(true),
    once: true,
  },
  {
    group: "rate limit, real time",
    name: "runtime go, rateLimit 100 per 100 ms, 2 s of real time",
    count: 2000,
    run: () => rateLimited(false),
    once: true,
  },
  { group: "request latency", name: "raw channel round trip", count: REQUESTS, run: rawRoundTrip },
  { group: "request latency", name: "runtime request", count: REQUESTS, run: runtimeRequests },
];

// BENCH_ONLY=raw,runtime keeps the contenders whose name contains one of the words.
const only = process.env.BENCH_ONLY?.split(",");
const contenders =
  only === undefined ? ALL : ALL.filter((c) => only.some((w) => c.name.includes(w)));

function fmtRate(count: number, ms: number): string {
  const perSec = (count / ms) * 1000;
  return perSec >= 1e6 ? `${(perSec / 1e6).toFixed(2)}M/s` : `${(perSec / 1e3).toFixed(0)}k/s`;
}

export async function run(): Promise<void> {
  console.log(
    `\n## go dispatch (${N.toLocaleString("en")} messages, ${REQUESTS.toLocaleString("en")} requests, best of ${ROUNDS} rounds)\n`,
  );
  const best = new Map<Contender, { ms: number; note: string }>();
  const peak = new Map<Contender, number>();
  const measure = async (c: Contender): Promise<void> => {
    globalThis.gc?.();
    const result = await c.run();
    const prev = best.get(c);
    if (prev === undefined || result.ms < prev.ms) best.set(c, result);
    peak.set(c, Math.max(peak.get(c) ?? 0, process.memoryUsage().rss));
  };
  // The contenders run once come after the rounds, and the heavy ones last: p-queue and
  // fastq.promise leave a heap of over a gigabyte behind, and every row measured after them
  // would pay its GC.
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of contenders) if (!c.once) await measure(c);
  }
  for (const c of contenders) if (c.once && !c.heavy) await measure(c);
  for (const c of contenders) if (c.heavy) await measure(c);
  const baseline = new Map<string, number>();
  const rows: string[] = [];
  rows.push("| workload | contender | time | throughput | vs first in group | RSS after | notes |");
  rows.push("| --- | --- | ---: | ---: | ---: | ---: | --- |");
  for (const c of contenders) {
    const r = best.get(c)!;
    if (!baseline.has(c.group)) baseline.set(c.group, r.ms);
    const ratio = r.ms / baseline.get(c.group)!;
    rows.push(
      `| ${c.group} | ${c.name} | ${r.ms.toFixed(0)} ms | ${fmtRate(c.count, r.ms)} | ${ratio.toFixed(2)}x | ${(peak.get(c)! / 2 ** 20).toFixed(0)} MB | ${r.note} |`,
    );
  }
  console.log(rows.join("\n"));
  console.log(
    `\npeak RSS of the process: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
  );
}
