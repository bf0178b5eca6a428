import { backoffDelay, defineWorkers, parseDefinition } from "@workers/config";

const definition = await parseDefinition(
  defineWorkers({
    channels: { "jobs/in": { buffer: 8 } },
    workers: {
      jobs: {
        kind: "command",
        in: "jobs/in",
        workerFn: async (_ctx, url: string) => (await fetch(url)).status,
        // 5 runs in all; 100, 300, 900, then 1000 ms (capped) between them, up to 20% shorter.
        retry: { attempts: 5, backoffMs: { initialMs: 100, factor: 3, maxMs: 1000, jitter: 0.2 } },
        timeoutMs: 5000, // a run is aborted after 5 s (and may be retried)
        rateLimit: { max: 10, intervalMs: 1000 }, // at most 10 runs start a second
      },
    },
  }),
);

const retry = definition.workers.jobs!.retry!;
// What a runtime waits before retries 1..4; `() => 0` stands in for Math.random (no jitter).
const delays = [1, 2, 3, 4].map((n) => backoffDelay(retry.backoffMs, n, () => 0));
console.log(delays); // [ 100, 300, 900, 1000 ]
