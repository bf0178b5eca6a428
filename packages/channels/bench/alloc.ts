// Child process of `index.ts` (see `measureAllocations`): prints heap bytes a message.
import { baseline, impls, ours, type WorkloadId } from "./impls.js";

const N = 50_000;

async function bytesPerMessage(run: (n: number) => Promise<void>): Promise<string> {
  await run(N); // warm up (and let the JIT settle)
  await run(N);
  (globalThis as unknown as { gc: () => void }).gc();
  const before = process.memoryUsage().heapUsed;
  await run(N);
  const after = process.memoryUsage().heapUsed;
  return after > before ? ((after - before) / N).toFixed(1) : "n/a (a GC ran)";
}

const jsext = impls.find((impl) => impl.name === "@ayonli/jsext")!;
for (const id of ["W1", "W2", "W3", "W5", "W2s", "W3s"] as WorkloadId[]) {
  const cells: string[] = [];
  for (const impl of [ours, baseline, jsext]) {
    const run = impl.runs[id];
    if (run !== undefined) cells.push(`${impl.name} ${await bytesPerMessage(run)}`);
  }
  console.log(`${id.padEnd(4)} ${cells.join(", ")}`);
}
