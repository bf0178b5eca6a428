// Events and stats: a logger as the emitter (drops and guards on warn, errors on error,
// start/stop on info), and a stats snapshot.
import { fileURLToPath } from "node:url";
import { defineWorkers } from "@workers/config";
import { type StatsSnapshot, startWorkers, type WorkersEvent } from "@workers/runtime";

const definition = defineWorkers({
  channels: {
    "jobs/in": { buffer: 1, putMode: "drop" },
    "jobs/out": { buffer: 1 },
  },
  workers: {
    jobs: {
      kind: "command",
      in: "jobs/in",
      expose: true,
      outputChan: "jobs/out",
      workerFn: async (_ctx, n: number) => n * 2,
    },
  },
});

export async function main(): Promise<{ warnings: WorkersEvent[]; stats: StatsSnapshot }> {
  const warnings: WorkersEvent[] = [];
  const logger = {
    warn: (event: WorkersEvent) => warnings.push(event),
    error: console.error,
    info: () => {},
  };
  const system = await startWorkers(definition, { logger });
  await system.command("jobs", 1);
  await system.command("jobs", 2);
  await system.command("jobs", 3); // the buffer of 1 is full: an input-drop, on warn
  // and "jobs/out" holds one result: the second is an output-drop, on warn
  await system.stop();
  return { warnings, stats: system.stats() };
}

// Run as a script (`npx tsx observability.ts`), it prints what main returns.
if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(await main());
