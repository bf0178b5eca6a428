// A ticker: tick numbers 0, 1, 2, ... offered to `out` every intervalMs, on a grid from the
// start time (no drift); a tick whose predecessor still runs is skipped and counted.
import { fileURLToPath } from "node:url";
import { defineWorkers } from "@workers/config";
import { startWorkers } from "@workers/runtime";

const definition = defineWorkers({
  channels: { "heartbeat/out": { buffer: 8 } },
  workers: {
    heartbeat: { kind: "ticker", intervalMs: 10, initialDelayMs: 0, out: "heartbeat/out" },
  },
});

export async function main(): Promise<number[]> {
  const system = await startWorkers(definition);
  const ticks: number[] = [];
  for (let i = 0; i < 3; i++) {
    ticks.push((await system.channels["heartbeat/out"].take()) as number);
  }
  await system.stop();
  return ticks;
}

// Run as a script (`npx tsx ticker.ts`), it prints what main returns.
if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(await main());
