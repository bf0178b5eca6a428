// Worker policies: a flaky download retried with backoff, each run bounded by a timeout, at
// most 20 runs a second; the system starts paused, so the consumer of results is wired first.
import { fileURLToPath } from "node:url";
import { defineWorkers } from "@workers/config";
import { startWorkers } from "@workers/runtime";

let calls = 0;

const definition = defineWorkers({
  channels: { "downloads/in": { buffer: 16 }, "downloads/out": { buffer: 16 } },
  workers: {
    download: {
      kind: "command",
      in: "downloads/in",
      outputChan: "downloads/out",
      expose: true,
      // Up to 3 runs in all, 10 ms then 20 ms apart; only the last failure is an error.
      retry: { attempts: 3, backoffMs: { initialMs: 10, factor: 2 } },
      // A run longer than 500 ms is aborted (ctx.signal) and fails with TimeoutError.
      timeoutMs: 500,
      rateLimit: { max: 20, intervalMs: 1000 },
      workerFn: async (ctx, url: string) => {
        calls++;
        // Fails on its first run: the network is flaky.
        if (ctx.attempt === 1) throw new Error(`connection reset fetching ${url}`);
        return { url, attempt: ctx.attempt };
      },
    },
  },
});

export async function main(): Promise<{ results: unknown[]; calls: number; errors: number }> {
  const system = await startWorkers(definition, { obs: () => {} }, { paused: true });
  const results: unknown[] = [];
  // Wire the consumer, then let work begin.
  const consumer = (async () => {
    for await (const result of system.channels["downloads/out"]) results.push(result);
  })();
  await system.command("download", "https://example.com/a.png");
  await system.command("download", "https://example.com/b.png");
  system.resume();
  await system.onIdle();
  const errors = system.stats().workers.download?.errors ?? 0;
  await system.stop();
  await consumer;
  return { results, calls, errors };
}

// Run as a script (`npx tsx policies.ts`), it prints what main returns.
if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(await main());
