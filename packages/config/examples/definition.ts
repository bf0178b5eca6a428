import { defineWorkers, parseDefinition } from "@workers/config";

interface Resize {
  url: string;
  width: number;
}

export const definition = defineWorkers({
  channels: {
    "images/in": { buffer: 4, bufferType: "dropping", putMode: "drop" },
    "images/resize": { buffer: 2, putMode: "block" },
    "images/out": { buffer: 4 },
    "workers/errors": { buffer: 8 },
    ticks: { buffer: 1, bufferType: "sliding" },
  },
  workers: {
    // A reference: required for dispatch "thread", resolved relative to baseUrl.
    download: {
      kind: "command",
      in: "images/in",
      workerFn: "./handlers.js#download",
      dispatch: "thread",
      expose: true,
      outputChan: "images/resize",
      failChan: "workers/errors",
    },
    // An inline function runs on the event loop (dispatch "go", the default).
    resize: {
      kind: "command",
      in: "images/resize",
      workerFn: async (_ctx, job: Resize) => ({ url: job.url, width: job.width }),
      expose: true,
      outputChan: "images/out",
      // Up to 3 runs: 100 ms before the second, 1 s before the third; each run at most 10 s.
      retry: { attempts: 3, backoffMs: [100, 1000] },
      timeoutMs: 10_000,
    },
    // Offers 0, 1, 2, ... to "ticks" every 5 s.
    heartbeat: { kind: "ticker", intervalMs: 5000, out: "ticks" },
  },
});

// Defaults filled in, references imported; throws a ConfigError listing every issue.
export const normalized = await parseDefinition(definition, { baseUrl: import.meta.url });
