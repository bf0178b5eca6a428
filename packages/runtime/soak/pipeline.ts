// The soak: millions of messages through a 3-stage pipeline with a fixed, a dropping and a
// sliding buffer, every stage at saturation, stage 2 failing one message in a thousand. Each
// message id is followed to exactly one end: taken from the sink, failed (workers.error), or
// dropped with an event carrying it (buffer-dropped, buffer-evicted, output-drop, shutdown).
// Used by `pnpm soak` (millions) and by the reliability test run (a short version).
import { monitorEventLoopDelay } from "node:perf_hooks";
import { startWorkers, type WorkersEvent } from "../src/index.js";

export interface SoakOptions {
  /** Messages pushed into stage 1. */
  readonly messages: number;
  /** Concurrent producers calling `command` (block put mode: they wait on backpressure). */
  readonly producers?: number;
  /** A full GC (`global.gc` under `--expose-gc`); heap figures are only taken with it. */
  readonly gc?: (() => void) | undefined;
  /** Where stage 2 runs: on the event loop (default) or on the thread pool. */
  readonly stage2?: "go" | "thread";
  /**
   * Stop without draining once this many messages were accepted, while the producers keep
   * pushing: what is buffered, parked or running becomes `shutdown` drops, later calls are
   * refused (`ERR_STOPPED`). Default: push everything, then stop with drain.
   */
  readonly stopAfter?: number;
}

export interface SoakResult {
  readonly messages: number;
  /** Taken from the sink by the consumer. */
  readonly delivered: number;
  /** Failed in stage 2 (error events). */
  readonly failed: number;
  /** Of those, failed because their thread died (`ERR_THREAD_CRASHED`). */
  readonly crashed: number;
  /** Drop events per reason (message drops only). */
  readonly dropped: Readonly<Record<string, number>>;
  /** Error events lost from the full fail channel (`buffer-evicted` on it). */
  readonly errorEventsEvicted: number;
  /** Calls refused with `ERR_STOPPED` (stop under load), and ids never sent after that. */
  readonly refused: number;
  readonly notSent: number;
  /** Ids that ended nowhere. */
  readonly lost: number;
  /** Ids that ended more than once. */
  readonly duplicated: number;
  /** `stats().drops` summed equals the drop events seen. */
  readonly statsAgree: boolean;
  readonly durationMs: number;
  readonly messagesPerSecond: number;
  /** Heap used after a full GC, before start and after stop (MB); `undefined` without `gc`. */
  readonly heapBeforeMb: number | undefined;
  readonly heapAfterMb: number | undefined;
  readonly heapPeakMb: number;
  readonly loopDelayP50Ms: number;
  readonly loopDelayP99Ms: number;
  readonly loopDelayMaxMs: number;
}

const immediate = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const mb = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 100) / 100;

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const n = options.messages;
  const producers = options.producers ?? 4;
  const ends = new Uint8Array(n);
  const dropped: Record<string, number> = {};
  let failed = 0;
  let crashed = 0;
  let delivered = 0;
  let errorEventsEvicted = 0;
  let dropEvents = 0;
  const mark = (id: unknown): boolean => {
    if (typeof id !== "number") return false;
    if (ends[id] !== 255) ends[id] = (ends[id] as number) + 1;
    return true;
  };
  const emit = (event: WorkersEvent): void => {
    if (event.type === "workers.drop") {
      dropEvents++;
      if (mark(event.msg)) dropped[event.reason] = (dropped[event.reason] ?? 0) + 1;
      else errorEventsEvicted++;
    } else if (event.type === "workers.error") {
      if (mark(event.msg)) failed++;
      if ((event.error as { code?: unknown } | null)?.code === "ERR_THREAD_CRASHED") crashed++;
    }
  };

  options.gc?.();
  const heapBefore = options.gc === undefined ? undefined : process.memoryUsage().heapUsed;
  let heapPeak = process.memoryUsage().heapUsed;
  const sampler = setInterval(() => {
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  }, 250);
  const s2 =
    options.stage2 === "thread"
      ? {
          kind: "command" as const,
          in: "s2/in",
          concurrency: 32,
          outputChan: "s3/in",
          failChan: "errors",
          dispatch: "thread" as const,
          workerFn: `${new URL("./thread-stage.mjs", import.meta.url).href}#stage2`,
        }
      : {
          kind: "command" as const,
          in: "s2/in",
          concurrency: 4,
          outputChan: "s3/in",
          failChan: "errors",
          workerFn: (_ctx: unknown, id: number): number | Promise<number> => {
            if (id % 1000 === 999) throw new Error(`stage 2 refuses ${id}`);
            return id % 192 === 0 ? immediate().then(() => id) : id;
          },
        };
  const system = await startWorkers(
    {
      channels: {
        "s1/in": { buffer: 1024, putMode: "block" },
        "s2/in": { buffer: 256, bufferType: "dropping" },
        "s3/in": { buffer: 128, bufferType: "sliding" },
        sink: { buffer: 512 },
        errors: { buffer: 16, bufferType: "sliding" },
      },
      workers: {
        s1: {
          kind: "command",
          in: "s1/in",
          expose: true,
          outputChan: "s2/in",
          // Asynchronous (one microtask each), so stage 2 runs between its messages.
          workerFn: async (_ctx: unknown, id: number): Promise<number> => id,
        },
        s2,
        s3: {
          kind: "command",
          in: "s3/in",
          outputChan: "sink",
          workerFn: (_ctx: unknown, id: number): number | Promise<number> =>
            id % 256 === 0 ? immediate().then(() => id) : id,
        },
      },
    },
    { obs: emit },
    { threads: { min: 2, max: 2 } },
  );

  // Measured from here: the run itself, not the definition's validation.
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const began = performance.now();

  // The consumer: takes everything that reaches the sink, until it is closed and drained; it
  // pauses for a macrotask every 64 values, so the sink's fixed buffer fills at times and s3's
  // offers are refused (output-drop).
  const sink = system.channels.sink;
  const consumer = (async () => {
    for (;;) {
      for (let v = sink.poll(); v !== undefined; v = sink.poll()) {
        mark(v);
        if (++delivered % 64 === 0) await immediate();
      }
      const v = await sink.take();
      if (v === undefined) return;
      mark(v);
      delivered++;
    }
  })();

  let accepted = 0;
  let refused = 0;
  let notSent = 0;
  let stopping: Promise<void> | undefined;
  const produce = async (first: number): Promise<void> => {
    for (let id = first; id < n; id += producers) {
      let ok: boolean;
      try {
        ok = await system.command("s1", id);
      } catch (error) {
        if ((error as { code?: unknown }).code !== "ERR_STOPPED") throw error;
        // Refused at the call: it never entered a channel. The rest of this producer's ids
        // are never sent.
        mark(id);
        refused++;
        for (let rest = id + producers; rest < n; rest += producers) {
          mark(rest);
          notSent++;
        }
        return;
      }
      if (!ok) throw new Error(`message ${id} refused`);
      if (++accepted === options.stopAfter) {
        stopping = system.stop({ drain: false, timeoutMs: 0 });
      }
    }
  };
  await Promise.all(Array.from({ length: producers }, (_, p) => produce(p)));
  await (stopping ?? system.stop({ drain: true, timeoutMs: 60_000 }));
  await consumer;

  const durationMs = performance.now() - began;
  delay.disable();
  clearInterval(sampler);
  const stats = system.stats();
  const statsDrops = Object.values(stats.drops).reduce((a, b) => a + b, 0);

  let lost = 0;
  let duplicated = 0;
  for (let i = 0; i < n; i++) {
    const e = ends[i] as number;
    if (e === 0) lost++;
    else if (e > 1) duplicated++;
  }
  options.gc?.();
  const heapAfter = options.gc === undefined ? undefined : process.memoryUsage().heapUsed;
  return {
    messages: n,
    delivered,
    failed,
    crashed,
    dropped,
    refused,
    notSent,
    errorEventsEvicted,
    lost,
    duplicated,
    statsAgree: statsDrops === dropEvents,
    durationMs: Math.round(durationMs),
    messagesPerSecond: Math.round(n / (durationMs / 1000)),
    heapBeforeMb: heapBefore === undefined ? undefined : mb(heapBefore),
    heapAfterMb: heapAfter === undefined ? undefined : mb(heapAfter),
    heapPeakMb: mb(heapPeak),
    loopDelayP50Ms: Math.round(delay.percentile(50) / 1e4) / 100,
    loopDelayP99Ms: Math.round(delay.percentile(99) / 1e4) / 100,
    loopDelayMaxMs: Math.round(delay.max / 1e4) / 100,
  };
}
