// One start/stop cycle of a small but complete system (command worker with an output, a ticker,
// a request, a command, a drop), shared by the leak test (500 cycles) and the soak (10 000).
import { startWorkers, type WorkersSystem } from "../src/index.js";

const definition = {
  channels: {
    "jobs/in": { buffer: 4 },
    "jobs/out": { buffer: 1, bufferType: "sliding" as const },
    ticks: { buffer: 1, bufferType: "dropping" as const },
  },
  workers: {
    jobs: {
      kind: "command" as const,
      in: "jobs/in",
      expose: true,
      outputChan: "jobs/out",
      workerFn: (_ctx: unknown, n: number): number => n * 2,
    },
    tick: { kind: "ticker" as const, intervalMs: 1, initialDelayMs: 0, out: "ticks" },
  },
};

/** Starts a system, uses it, stops it; returns it (for WeakRef checks). */
export async function cycle(
  i: number,
  options: { devGuard?: boolean } = {},
): Promise<WorkersSystem<any>> {
  const events: unknown[] = [];
  const system = await startWorkers(definition, { obs: (e) => events.push(e) }, options);
  await system.request("jobs", i);
  await system.command("jobs", i + 1);
  await system.stop({ timeoutMs: 1000 });
  return system;
}

/** process.getActiveResourcesInfo() as counts per resource type. */
export function resourceCounts(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}
