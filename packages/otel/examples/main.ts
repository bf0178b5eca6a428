// main.ts: node --import ./telemetry.js main.js (telemetry.ts must run first).
import { trace } from "@opentelemetry/api";
import { otelObservability } from "@workers/otel";
import { startWorkers } from "@workers/runtime";
import { sdk } from "./telemetry.js";

const stored: unknown[] = [];
const system = await startWorkers(
  {
    channels: {
      "images/in": { buffer: 8 },
      "images/resize": { buffer: 8 },
      "images/store": { buffer: 8 },
    },
    workers: {
      download: {
        kind: "command",
        in: "images/in",
        expose: true,
        workerFn: async (ctx, url: string) => {
          await ctx.channels["images/resize"]?.put({ url, width: 320 });
        },
      },
      resize: {
        kind: "command",
        in: "images/resize",
        dispatch: "thread",
        workerFn: new URL("./image-workers.ts#resize", import.meta.url).href,
      },
      store: { kind: "command", in: "images/store", workerFn: (_ctx, image) => stored.push(image) },
    },
  },
  { obs: otelObservability() },
  { threads: { min: 1, max: 1, setup: new URL("./otel-thread.ts", import.meta.url).href } },
);

// Stands for an HTTP handler: its server span becomes the root of the message's trace.
await trace.getTracer("http").startActiveSpan("POST /images", async (span) => {
  await system.command("download", "https://example.com/cat.jpg");
  span.end();
});

await system.stop(); // drains every stage, then each thread flushes its spans (`shutdown`)
await sdk.shutdown(); // flushes the main thread's exporters
console.log(`stored ${stored.length} image(s)`);
