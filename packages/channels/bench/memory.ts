import { chan } from "../src/index.js";
import { RingChannel } from "./baseline.js";

const N = 1_000_000;

function heap(gc: () => void): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** Heap bytes a buffered message costs, for several containers holding 1M small integers. */
export async function measureMemory(gc: () => void): Promise<string[]> {
  const lines: string[] = [];
  const measure = (name: string, fill: () => unknown) => {
    const before = heap(gc);
    const kept = fill();
    const after = heap(gc);
    lines.push(`${name.padEnd(34)} ${((after - before) / N).toFixed(2)} bytes`);
    return kept;
  };
  measure("@workers/channels chan(1M)", () => {
    const ch = chan<number>(N);
    for (let i = 0; i < N; i++) ch.offer(i);
    return ch;
  });
  measure("@workers/channels sliding(1M)", () => {
    const ch = chan<number>({ buffer: N, bufferType: "sliding" });
    for (let i = 0; i < N + 1000; i++) ch.offer(i);
    return ch;
  });
  measure("ring baseline (1M)", () => {
    const ch = new RingChannel<number>(N);
    for (let i = 0; i < N; i++) ch.offer(i);
    return ch;
  });
  measure("plain Array of 1M numbers", () => {
    const a: number[] = [];
    for (let i = 0; i < N; i++) a.push(i);
    return a;
  });
  return lines;
}

/**
 * Heap bytes allocated a message by some workloads, measured in a child process whose young
 * generation is large enough (256 MB semi-spaces) that no garbage collection runs during a
 * measurement, so the growth of `heapUsed` is what the run allocated.
 */
export async function measureAllocations(): Promise<string[]> {
  const { execFileSync } = await import("node:child_process");
  const { fileURLToPath } = await import("node:url");
  const out = execFileSync(
    process.execPath,
    [
      "--min-semi-space-size=256",
      "--max-semi-space-size=256",
      "--expose-gc",
      ...process.execArgv,
      fileURLToPath(new URL("./alloc.ts", import.meta.url)),
    ],
    { encoding: "utf8" },
  );
  return out.trim().split("\n");
}
