// Work for the thread benchmark, shared by the dispatcher, raw piscina and raw worker_threads.
import { parentPort } from "node:worker_threads";

/** Burns the CPU for `iterations` rounds (the bench calibrates it to ~1 ms). */
export function spin(iterations: number): number {
  // int32-only operations: a mix with uint32 (`>>>`) made V8 deoptimize it for good after a
  // few thousand calls in some threads, which slowed it down fourfold mid-benchmark.
  let x = 0x2545f491;
  for (let i = 0; i < iterations; i++) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
  }
  return x >>> 0;
}

/** Dispatcher worker: echoes the message. */
export function trivial(_ctx: unknown, msg: number): number {
  return msg;
}

/** Dispatcher worker: ~1 ms of CPU. */
export function cpu(_ctx: unknown, msg: number): number {
  return spin(msg);
}

/** Raw piscina handlers. */
export function rawTrivial(msg: number): number {
  return msg;
}
export function rawCpu(msg: number): number {
  return spin(msg);
}
export function rawTrivialBatch(msgs: number[]): number[] {
  return msgs;
}

/** Raw worker_threads: `[id, kind, payload]` in, `[id, result]` out. */
export function serveRaw(): void {
  parentPort?.on("message", (m: [number, 0 | 1 | 2, number | number[]]) => {
    const [id, kind, payload] = m;
    if (kind === 0) parentPort?.postMessage([id, payload]);
    else if (kind === 1) parentPort?.postMessage([id, spin(payload as number)]);
    else parentPort?.postMessage([id, payload]);
  });
}

if (process.env.WORKERS_BENCH_RAW === "1" && parentPort !== null) serveRaw();
